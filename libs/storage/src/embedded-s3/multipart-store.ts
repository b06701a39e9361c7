import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { receiveBody, type ReceivedBody } from './receive-body';
import { noSuchUpload } from './s3-error';

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string;
  initiated: string;
}

export interface StoredPart {
  partNumber: number;
  /** Quoted MD5 of the part, as UploadPart answers it. */
  etag: string;
  size: number;
  lastModified: string;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Multipart uploads in progress: a directory per upload (under `.multipart`, a name no bucket
 * can have) holding the upload's metadata and one file per part. Completing one streams the
 * parts into the object store; aborting or completing removes the directory.
 */
export class MultipartStore {
  private readonly root: string;
  /** Uploads being completed: a second Complete or an Abort meanwhile is refused. */
  private readonly busy = new Set<string>();

  constructor(storeRoot: string) {
    this.root = join(storeRoot, '.multipart');
  }

  private dir(uploadId: string) {
    return join(this.root, uploadId);
  }

  async create(bucket: string, key: string, contentType: string): Promise<MultipartUpload> {
    const upload: MultipartUpload = {
      uploadId: randomBytes(24).toString('base64url'),
      bucket,
      key,
      contentType,
      initiated: new Date().toISOString(),
    };
    await mkdir(this.dir(upload.uploadId), { recursive: true });
    await writeFile(join(this.dir(upload.uploadId), 'upload.json'), JSON.stringify(upload));
    return upload;
  }

  /** The upload `uploadId` of exactly this bucket and key, else S3's NoSuchUpload. */
  async get(uploadId: string, bucket: string, key: string): Promise<MultipartUpload> {
    const resource = `/${bucket}/${key}`;
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(resource);
    let upload: MultipartUpload;
    try {
      upload = JSON.parse(
        await readFile(join(this.dir(uploadId), 'upload.json'), 'utf8'),
      ) as MultipartUpload;
    } catch {
      throw noSuchUpload(resource);
    }
    if (upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(resource);
    return upload;
  }

  /** Receives one part (replacing an earlier part of the same number once `keep` says so). */
  async receivePart(
    upload: MultipartUpload,
    partNumber: number,
    body: Readable,
    limit: number,
    keep: (received: ReceivedBody) => boolean,
  ): Promise<StoredPart | undefined> {
    const dir = this.dir(upload.uploadId);
    const tmp = join(dir, `${partNumber}.${randomUUID()}.tmp`);
    let received: ReceivedBody;
    try {
      received = await receiveBody(body, tmp, limit);
    } catch (err) {
      // The upload was completed or aborted while the part was arriving.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload();
      throw err;
    }
    if (!keep(received)) {
      await rm(tmp, { force: true });
      return undefined;
    }
    const part: StoredPart = {
      partNumber,
      etag: `"${received.md5}"`,
      size: received.size,
      lastModified: new Date().toISOString(),
    };
    try {
      await writeFile(`${tmp}.json`, JSON.stringify(part));
      await rename(tmp, join(dir, `${partNumber}.part`));
      await rename(`${tmp}.json`, join(dir, `${partNumber}.json`));
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload();
      throw err;
    }
    return part;
  }

  /** The parts received so far, by part number. */
  async parts(upload: MultipartUpload): Promise<StoredPart[]> {
    const dir = this.dir(upload.uploadId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw noSuchUpload(`/${upload.bucket}/${upload.key}`);
    }
    const parts = await Promise.all(
      names
        .filter((n) => /^\d+\.json$/.test(n))
        .map((n) =>
          readFile(join(dir, n), 'utf8').then(
            (t) => JSON.parse(t) as StoredPart,
            () => undefined,
          ),
        ),
    );
    return parts
      .filter((p): p is StoredPart => p !== undefined)
      .sort((a, b) => a.partNumber - b.partNumber);
  }

  /** The content of `parts`, one after the other, as one stream. */
  concatenation(upload: MultipartUpload, parts: readonly StoredPart[]): Readable {
    const dir = this.dir(upload.uploadId);
    return Readable.from(
      (async function* () {
        for (const p of parts) yield* createReadStream(join(dir, `${p.partNumber}.part`));
      })(),
    );
  }

  /**
   * Runs `work` (a completion or an abort) unless another one is running for this upload;
   * false when it was refused.
   */
  async exclusively(uploadId: string, work: () => Promise<void>): Promise<boolean> {
    if (this.busy.has(uploadId)) return false;
    this.busy.add(uploadId);
    try {
      await work();
      return true;
    } finally {
      this.busy.delete(uploadId);
    }
  }

  async remove(upload: MultipartUpload): Promise<void> {
    // Moved aside first: a part still arriving then fails to land (NoSuchUpload) instead of
    // adding files to a directory being deleted.
    const doomed = `${this.dir(upload.uploadId)}.removed-${randomUUID()}`;
    try {
      await rename(this.dir(upload.uploadId), doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-` and their count. */
export function multipartEtag(parts: readonly StoredPart[]): string {
  const md5 = createHash('md5');
  for (const p of parts) md5.update(Buffer.from(p.etag.replaceAll('"', ''), 'hex'));
  return `"${md5.digest('hex')}-${parts.length}"`;
}
