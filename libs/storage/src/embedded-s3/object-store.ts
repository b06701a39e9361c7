import { createHash, randomUUID } from 'node:crypto';
import {
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { receiveBody, type ReceivedBody } from './receive-body';

export interface StoredObject {
  key: string;
  size: number;
  /** Quoted ETag: the MD5 of the content, or S3's `md5-of-part-md5s-N` for a multipart one. */
  etag: string;
  contentType: string;
  lastModified: string;
  /** The content file in the bucket's directory (each version has its own). */
  dataFile?: string;
}

/** An object opened for reading: the open file survives a concurrent overwrite or delete. */
export interface OpenObject {
  object: StoredObject;
  file: FileHandle;
}

/** A fully received body in a temporary file, with its hashes, not yet visible as the object. */
export interface PendingWrite {
  bucket: string;
  object: StoredObject;
  received: ReceivedBody;
  tmpPath: string;
}

export interface BucketInfo {
  name: string;
  created: Date;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The embedded server's storage: one directory per bucket, each object a JSON metadata file
 * named after the SHA-256 of its key (so no key reaches the file system as a path) naming its
 * content file. A write lands in a new content file and becomes visible when its metadata is
 * renamed into place, so a reader sees the old object or the new one, never a torn one.
 */
export class ObjectStore {
  /** The last metadata change queued per key: changes of one key apply one at a time. */
  private readonly changes = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  private serially<T>(bucket: string, key: string, change: () => Promise<T>): Promise<T> {
    const id = `${bucket}/${key}`;
    const result = (this.changes.get(id) ?? Promise.resolve()).then(change);
    const settled = result.catch(() => undefined);
    this.changes.set(id, settled);
    void settled.then(() => {
      if (this.changes.get(id) === settled) this.changes.delete(id);
    });
    return result;
  }

  static validBucketName(name: string): boolean {
    return BUCKET_NAME.test(name);
  }

  private bucketDir(bucket: string) {
    return join(this.root, bucket);
  }

  private paths(bucket: string, key: string) {
    const id = createHash('sha256').update(key).digest('hex');
    const dir = this.bucketDir(bucket);
    return { id, dir, meta: join(dir, `${id}.json`) };
  }

  private dataPath(bucket: string, o: StoredObject) {
    const { id, dir } = this.paths(bucket, o.key);
    return join(dir, o.dataFile ?? `${id}.data`);
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

  /** Every bucket, by name (directories whose names are no bucket names are not buckets). */
  async buckets(): Promise<BucketInfo[]> {
    const names = (await readdir(this.root)).filter((n) => BUCKET_NAME.test(n)).sort();
    const infos = await Promise.all(
      names.map(async (name) => {
        const s = await stat(this.bucketDir(name));
        return s.isDirectory() ? { name, created: s.birthtime } : undefined;
      }),
    );
    return infos.filter((b): b is BucketInfo => b !== undefined);
  }

  async head(bucket: string, key: string): Promise<StoredObject | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(bucket, key).meta, 'utf8')) as StoredObject;
    } catch {
      return undefined;
    }
  }

  /** The object and its open content file; undefined when there is no such object. */
  async open(bucket: string, key: string): Promise<OpenObject | undefined> {
    // A writer may replace the object between reading its metadata and opening its content.
    for (let attempt = 0; attempt < 3; attempt++) {
      const object = await this.head(bucket, key);
      if (!object) return undefined;
      try {
        return { object, file: await open(this.dataPath(bucket, object), 'r') };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  /** Streams `body` into a temporary file of the bucket, hashing as it goes; `limit` bytes at most. */
  async write(
    bucket: string,
    key: string,
    body: Readable,
    contentType: string,
    limit: number,
  ): Promise<PendingWrite> {
    const { id, dir } = this.paths(bucket, key);
    const tmpPath = join(dir, `${id}.${randomUUID()}.data`);
    const received = await receiveBody(body, tmpPath, limit);
    const object: StoredObject = {
      key,
      size: received.size,
      etag: `"${received.md5}"`,
      contentType,
      lastModified: new Date().toUTCString(),
      dataFile: basename(tmpPath),
    };
    return { bucket, object, received, tmpPath };
  }

  /** Makes a received body the object (once the caller has checked its hashes). */
  commit(w: PendingWrite): Promise<void> {
    return this.serially(w.bucket, w.object.key, async () => {
      const { meta } = this.paths(w.bucket, w.object.key);
      const previous = await this.head(w.bucket, w.object.key);
      const metaTmp = `${meta}.${randomUUID()}.tmp`;
      await writeFile(metaTmp, JSON.stringify(w.object));
      await rename(metaTmp, meta);
      if (previous) await rm(this.dataPath(w.bucket, previous), { force: true });
    });
  }

  async discard(w: PendingWrite): Promise<void> {
    await rm(w.tmpPath, { force: true });
  }

  delete(bucket: string, key: string): Promise<void> {
    return this.serially(bucket, key, async () => {
      const object = await this.head(bucket, key);
      if (!object) return;
      await rm(this.paths(bucket, key).meta, { force: true });
      await rm(this.dataPath(bucket, object), { force: true });
    });
  }

  /** Objects whose key starts with `prefix`, sorted by key (UTF-8 byte order, as S3 lists). */
  async list(bucket: string, prefix: string): Promise<StoredObject[]> {
    const dir = this.bucketDir(bucket);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    const objects = await Promise.all(
      names.map((n) =>
        readFile(join(dir, n), 'utf8').then(
          (text) => JSON.parse(text) as StoredObject,
          () => undefined, // deleted meanwhile
        ),
      ),
    );
    return objects
      .filter((o): o is StoredObject => o !== undefined && o.key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }
}
