import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { tooLarge, type ReceivedBody } from './receive-body';
import { S3Error } from './s3-error';
import { EMPTY_SHA256, UNSIGNED_PAYLOAD } from './sigv4';

/** The Content-Length S3 requires of an upload, checked against the limit before any byte. */
export function declaredLength(headers: IncomingHttpHeaders, limit: number): number {
  const value = headers['content-length'];
  if (value === undefined)
    throw new S3Error(411, 'MissingContentLength', 'you must provide the Content-Length header');
  const length = Number(value);
  if (!Number.isSafeInteger(length) || length < 0)
    throw new S3Error(400, 'InvalidArgument', 'Content-Length is not a valid length');
  if (length > limit) throw tooLarge(limit);
  return length;
}

/** Refuses aws-chunked bodies (the SDK's streaming signatures and trailing checksums). */
export function refuseChunkedPayload(payloadHash: string): void {
  if (payloadHash.startsWith('STREAMING-'))
    throw new S3Error(
      501,
      'NotImplemented',
      'aws-chunked uploads are not implemented by the embedded S3 server; configure the client with requestChecksumCalculation WHEN_REQUIRED',
    );
}

/**
 * What S3 checks of a received body before it becomes visible: its length, the signed
 * x-amz-content-sha256 and an x-amz-checksum-crc32 if one was sent. The error, or undefined.
 */
export function payloadError(
  body: Pick<ReceivedBody, 'size' | 'sha256' | 'crc32'>,
  expected: { length: number; payloadHash: string; crc32?: string },
): S3Error | undefined {
  if (body.size !== expected.length)
    return new S3Error(
      400,
      'IncompleteBody',
      'you did not provide the number of bytes specified by the Content-Length HTTP header',
    );
  if (expected.payloadHash !== UNSIGNED_PAYLOAD && expected.payloadHash !== body.sha256)
    return new S3Error(
      400,
      'XAmzContentSHA256Mismatch',
      'the provided x-amz-content-sha256 does not match what was computed',
    );
  if (expected.payloadHash === EMPTY_SHA256 && body.size !== 0)
    return new S3Error(400, 'XAmzContentSHA256Mismatch', 'the body should be empty');
  if (expected.crc32 !== undefined && expected.crc32 !== body.crc32)
    return new S3Error(
      400,
      'BadDigest',
      'the CRC32 you specified did not match the calculated checksum',
    );
  return undefined;
}

/** `payloadError` for a body read into memory (no CRC-32 is asked of those here). */
export function checkSmallPayload(body: Buffer, payloadHash: string): void {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const err = payloadError(
    { size: body.length, sha256, crc32: '' },
    { length: body.length, payloadHash },
  );
  if (err) throw err;
}
