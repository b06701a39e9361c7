import { S3Error } from './s3-error';
import { parseQuery } from './sigv4';

/** A request's address as S3 reads it (path-style): service, bucket or object. */
export interface S3Address {
  /** The path exactly as sent: Signature V4 signs it as it is. */
  rawPath: string;
  /** Decoded query pairs, in order. */
  query: Array<[string, string]>;
  /** The first value of each query parameter. */
  params: Map<string, string>;
  /** Undefined for the service (`/`). */
  bucket: string | undefined;
  /** Undefined for the service or a bucket. */
  key: string | undefined;
}

/** S3's limit on a key: 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

const invalidUri = (resource: string) =>
  new S3Error(400, 'InvalidURI', "couldn't parse the specified URI", resource);

function decode(value: string, resource: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidUri(resource);
  }
}

/**
 * Splits a request target into bucket, key and query. A target that is not an absolute path
 * (`*`, `http://…`) or holds broken percent-encoding is S3's InvalidURI, never an exception.
 */
export function parseAddress(rawUrl: string): S3Address {
  const qAt = rawUrl.indexOf('?');
  const rawPath = qAt < 0 ? rawUrl : rawUrl.slice(0, qAt);
  const resource = rawPath.slice(0, 256);
  if (!rawPath.startsWith('/')) throw invalidUri(resource);
  let query: Array<[string, string]>;
  try {
    query = parseQuery(qAt < 0 ? '' : rawUrl.slice(qAt + 1));
  } catch {
    throw invalidUri(resource);
  }
  const params = new Map<string, string>();
  for (const [k, v] of query) if (!params.has(k)) params.set(k, v);

  const slash = rawPath.indexOf('/', 1);
  const bucketPart = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash);
  const keyPart = slash < 0 ? '' : rawPath.slice(slash + 1);
  // `/` is the service; `//key` names the empty bucket, which is refused as invalid.
  const bucket = bucketPart === '' && slash < 0 ? undefined : decode(bucketPart, resource);
  const key = keyPart === '' || bucket === undefined ? undefined : decode(keyPart, resource);
  if (key !== undefined && Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new S3Error(400, 'KeyTooLongError', 'your key is too long', resource);
  return { rawPath, query, params, bucket, key };
}
