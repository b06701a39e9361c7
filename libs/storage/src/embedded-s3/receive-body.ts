import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { S3Error } from './s3-error';

/** A body received into a file, with the digests S3 checks and answers with. */
export interface ReceivedBody {
  size: number;
  /** Hex MD5 (an S3 ETag without its quotes). */
  md5: string;
  /** Hex SHA-256. */
  sha256: string;
  /** Base64 big-endian CRC-32, as in `x-amz-checksum-crc32`. */
  crc32: string;
}

export function tooLarge(limit: number): S3Error {
  return new S3Error(
    400,
    'EntityTooLarge',
    `your proposed upload exceeds the maximum allowed size (${limit} bytes)`,
  );
}

/**
 * Streams `body` into the file `path`, hashing as it goes and never holding more than a chunk
 * in memory; past `limit` bytes it stops with EntityTooLarge. The file is removed on failure.
 */
export async function receiveBody(
  body: Readable,
  path: string,
  limit: number,
): Promise<ReceivedBody> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let crc = 0;
  let size = 0;
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > limit) throw tooLarge(limit);
          md5.update(chunk);
          sha.update(chunk);
          crc = crc32(chunk, crc);
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  const crcBytes = Buffer.alloc(4);
  crcBytes.writeUInt32BE(crc >>> 0);
  return {
    size,
    md5: md5.digest('hex'),
    sha256: sha.digest('hex'),
    crc32: crcBytes.toString('base64'),
  };
}

/**
 * A small body (an XML document) read into memory, refused with MaxMessageLengthExceeded past
 * `limit` bytes, whether announced by Content-Length or found while reading.
 */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const refuse = () =>
    new S3Error(400, 'MaxMessageLengthExceeded', `your request was too big (over ${limit} bytes)`);
  if (declared > limit) throw refuse();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw refuse();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
