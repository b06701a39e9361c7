import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';

export interface StoredObject {
  key: string;
  size: number;
  /** Quoted MD5 of the content, as S3 gives it for single-part uploads. */
  etag: string;
  contentType: string;
  lastModified: string;
}

/** A fully received body in a temporary file, with its hashes, not yet visible as the object. */
export interface PendingWrite {
  bucket: string;
  object: StoredObject;
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** Base64 big-endian CRC-32, as in `x-amz-checksum-crc32`. */
  crc32: string;
  tmpPath: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The embedded server's storage: one directory per bucket, each object a content file and a
 * JSON metadata file named after the SHA-256 of its key. A write lands in a temporary file and
 * is renamed into place, so a reader sees the old object or the new one, never a torn one.
 */
export class ObjectStore {
  constructor(private readonly root: string) {}

  static validBucketName(name: string): boolean {
    return BUCKET_NAME.test(name);
  }

  private bucketDir(bucket: string) {
    return join(this.root, bucket);
  }

  private paths(bucket: string, key: string) {
    const id = createHash('sha256').update(key).digest('hex');
    const dir = this.bucketDir(bucket);
    return { data: join(dir, `${id}.data`), meta: join(dir, `${id}.json`) };
  }

  async createBucket(bucket: string): Promise<boolean> {
    if (await this.bucketExists(bucket)) return false;
    await mkdir(this.bucketDir(bucket), { recursive: true });
    return true;
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return stat(this.bucketDir(bucket)).then(
      (s) => s.isDirectory(),
      () => false,
    );
  }

  async head(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(bucket, key).meta, 'utf8')) as StoredObject;
    } catch {
      return undefined;
    }
  }

  read(bucket: string, key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.paths(bucket, key).data, range);
  }

  /** Streams `body` into the bucket, hashing as it goes; `limit` bytes at most. */
  async write(
    bucket: string,
    key: string,
    body: Readable,
    contentType: string,
    limit: number,
  ): Promise<PendingWrite> {
    const { data } = this.paths(bucket, key);
    const tmp = `${data}.${randomUUID()}.tmp`;
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
            if (size > limit) throw new Error(`object larger than ${limit} bytes`);
            md5.update(chunk);
            sha.update(chunk);
            crc = crc32(chunk, crc);
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const crcBytes = Buffer.alloc(4);
    crcBytes.writeUInt32BE(crc >>> 0);
    const object: StoredObject = {
      key,
      size,
      etag: `"${md5.digest('hex')}"`,
      contentType,
      lastModified: new Date().toUTCString(),
    };
    return {
      bucket,
      object,
      sha256: sha.digest('hex'),
      crc32: crcBytes.toString('base64'),
      tmpPath: tmp,
    };
  }

  /** Makes a received body the object (once the caller has checked its hashes). */
  async commit(w: PendingWrite): Promise<void> {
    const { data, meta } = this.paths(w.bucket, w.object.key);
    await rename(w.tmpPath, data);
    await writeFile(`${meta}.tmp`, JSON.stringify(w.object));
    await rename(`${meta}.tmp`, meta);
  }

  async discard(w: PendingWrite): Promise<void> {
    await rm(w.tmpPath, { force: true });
  }

  async delete(bucket: string, key: string): Promise<void> {
    const { data, meta } = this.paths(bucket, key);
    await rm(meta, { force: true });
    await rm(data, { force: true });
  }

  /** Objects whose key starts with `prefix`, sorted by key. */
  async list(bucket: string, prefix: string): Promise<StoredObject[]> {
    const dir = this.bucketDir(bucket);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    const objects = await Promise.all(
      names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as StoredObject),
    );
    return objects.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }
}
