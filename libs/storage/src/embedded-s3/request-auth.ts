import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './s3-error';
import {
  ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  parseAmzDate,
  sameSignature,
  sign,
  type CredentialScope,
} from './sigv4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AuthInput {
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: IncomingHttpHeaders;
}

export interface AuthResult {
  /** Hex SHA-256 the body must have, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  signedHeaders: string[];
  presigned: boolean;
}

/** How far a header-signed request's clock may be from ours (S3: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;
/** S3's limit on a presigned URL's lifetime: 7 days. */
const MAX_EXPIRES_S = 7 * 24 * 3600;

function parseCredential(value: string): { accessKeyId: string; scope: CredentialScope } {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request')
    throw new S3Error(400, 'AuthorizationQueryParametersError', `malformed credential "${value}"`);
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, scope: { date, region, service } };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * Checks a request's SigV4 signature, either in the Authorization header or in the query
 * (a presigned URL, with its expiry), against the one set of credentials this server knows.
 * Throws the S3Error S3 would answer with.
 */
export function authenticate(req: AuthInput, creds: Credentials, now = Date.now()): AuthResult {
  const authorization = header(req.headers, 'authorization');
  const q = new Map(req.query);
  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let query = req.query;
  let presigned = false;

  if (authorization) {
    const m =
      /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
        authorization.trim(),
      );
    if (!m)
      throw new S3Error(
        400,
        'AuthorizationHeaderMalformed',
        'the Authorization header is not AWS4-HMAC-SHA256',
      );
    [, credential, , signature] = m as unknown as [string, string, string, string];
    signedHeaders = m[2]!.split(';');
    amzDate = header(req.headers, 'x-amz-date') ?? '';
    payloadHash = header(req.headers, 'x-amz-content-sha256') ?? '';
    if (!payloadHash)
      throw new S3Error(400, 'InvalidRequest', 'missing required header x-amz-content-sha256');
    const t = parseAmzDate(amzDate);
    if (Number.isNaN(t))
      throw new S3Error(403, 'AccessDenied', 'missing or malformed x-amz-date header');
    if (Math.abs(now - t) > MAX_SKEW_MS)
      throw new S3Error(
        403,
        'RequestTimeTooSkewed',
        'the difference between the request time and the server time is too large',
      );
  } else if (q.has('X-Amz-Algorithm')) {
    presigned = true;
    if (q.get('X-Amz-Algorithm') !== ALGORITHM)
      throw new S3Error(400, 'AuthorizationQueryParametersError', 'unsupported X-Amz-Algorithm');
    credential = q.get('X-Amz-Credential') ?? '';
    signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
    signature = q.get('X-Amz-Signature') ?? '';
    amzDate = q.get('X-Amz-Date') ?? '';
    payloadHash = q.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
    const expires = Number(q.get('X-Amz-Expires'));
    const t = parseAmzDate(amzDate);
    if (Number.isNaN(t) || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_S)
      throw new S3Error(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Date and X-Amz-Expires (1 s to 7 days) are required',
      );
    if (now > t + expires * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
    if (now < t - MAX_SKEW_MS)
      throw new S3Error(403, 'AccessDenied', 'Request is not valid yet (X-Amz-Date in the future)');
    query = req.query.filter(([k]) => k !== 'X-Amz-Signature');
  } else {
    throw new S3Error(403, 'AccessDenied', 'anonymous requests are not allowed');
  }

  const { accessKeyId, scope } = parseCredential(credential);
  if (accessKeyId !== creds.accessKeyId)
    throw new S3Error(
      403,
      'InvalidAccessKeyId',
      'the AWS access key id you provided does not exist in our records',
    );
  if (scope.service !== 's3' || scope.date !== amzDate.slice(0, 8))
    throw new S3Error(403, 'SignatureDoesNotMatch', 'credential scope does not match the request');
  if (!signedHeaders.includes('host'))
    throw new S3Error(403, 'AccessDenied', 'the host header must be signed');
  for (const name of signedHeaders) {
    // Own headers only: a signed header named `constructor` is not the object's constructor.
    if (!Object.hasOwn(req.headers, name) || req.headers[name] === undefined)
      throw new S3Error(
        403,
        'SignatureDoesNotMatch',
        `signed header "${name}" is missing from the request`,
      );
  }
  const canonical = canonicalRequest({
    method: req.method,
    path: req.path,
    query,
    headers: req.headers,
    signedHeaders,
    payloadHash,
  });
  const expected = sign(creds.secretAccessKey, amzDate, scope, canonical);
  if (!sameSignature(expected, signature))
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'the request signature we calculated does not match the signature you provided',
    );
  return { payloadHash, signedHeaders, presigned };
}
