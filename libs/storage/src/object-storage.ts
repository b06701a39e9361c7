import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface ObjectStorageConfig {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: boolean;
}

export interface PresignedPut {
  url: string;
  /** Headers the PUT must carry exactly (they are signed). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** A part of a multipart upload as CompleteMultipartUpload names it. */
export interface UploadedPart {
  partNumber: number;
  /** The ETag the part's PUT answered with. */
  etag: string;
}

const MULTIPART_REFUSALS = [
  'InvalidPart',
  'InvalidPartOrder',
  'EntityTooSmall',
  'NoSuchUpload',
] as const;

/** Why S3 refused to assemble a multipart upload (its error code and message). */
export interface MultipartRefusal {
  code: (typeof MULTIPART_REFUSALS)[number];
  message: string;
}

export interface ObjectInfo {
  sizeBytes: number;
  etag: string | undefined;
  contentType: string | undefined;
}

export interface ObjectDigest {
  sha256: string;
  sizeBytes: number;
  /** The first bytes of the object (up to the requested count), for format sniffing. */
  head: Buffer;
}

const isNotFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey');

/** One bucket of model files on S3 (or MinIO, or the embedded server) through the AWS SDK. */
export class ObjectStorage {
  readonly bucket: string;
  private readonly s3: S3Client;

  constructor(config: ObjectStorageConfig) {
    this.bucket = config.S3_BUCKET;
    this.s3 = new S3Client({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials: {
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      },
      // Checksums only where S3 requires them: a presigned PUT must not carry a checksum
      // of an empty body that the client's real upload would then contradict.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  /** Creates the bucket unless it exists (safe for several instances starting at once). */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
    }
  }

  /**
   * A URL that lets its holder PUT exactly `contentLength` bytes to `key` until it expires:
   * `content-length` is a signed header, so another size fails the signature.
   */
  async presignPut(
    key: string,
    opts: { contentLength: number; contentType?: string; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentLength: opts.contentLength,
      ...(opts.contentType ? { ContentType: opts.contentType } : {}),
    });
    const signed = new Set(['content-length', ...(opts.contentType ? ['content-type'] : [])]);
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: opts.expiresInSeconds,
      signableHeaders: signed,
    });
    return {
      url,
      headers: {
        'content-length': String(opts.contentLength),
        ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
      },
      expiresAt: new Date(Date.now() + opts.expiresInSeconds * 1000),
    };
  }

  /** Starts a multipart upload of `key`; its upload id. */
  async createMultipartUpload(key: string, contentType?: string): Promise<string> {
    const out = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
    if (!out.UploadId) throw new Error(`S3 answered no upload id for ${key}`);
    return out.UploadId;
  }

  /**
   * A URL that lets its holder PUT part `partNumber` of an upload, exactly `contentLength`
   * bytes, until it expires (as `presignPut`: the length is signed).
   */
  async presignUploadPart(
    key: string,
    uploadId: string,
    opts: { partNumber: number; contentLength: number; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    const command = new UploadPartCommand({
      Bucket: this.bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: opts.partNumber,
      ContentLength: opts.contentLength,
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: opts.expiresInSeconds,
      signableHeaders: new Set(['content-length']),
    });
    return {
      url,
      headers: { 'content-length': String(opts.contentLength) },
      expiresAt: new Date(Date.now() + opts.expiresInSeconds * 1000),
    };
  }

  /**
   * Assembles the object from its parts (ascending part numbers, each with the ETag its PUT
   * answered). Undefined once assembled; S3's refusal of the parts list (a part missing or
   * with another ETag, the order, a part too small, the upload gone) is returned, not thrown.
   */
  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<MultipartRefusal | undefined> {
    try {
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
          },
        }),
      );
      return undefined;
    } catch (err) {
      const code = err instanceof S3ServiceException ? err.name : undefined;
      if (code && (MULTIPART_REFUSALS as readonly string[]).includes(code))
        return { code: code as MultipartRefusal['code'], message: (err as Error).message };
      throw err;
    }
  }

  /** Drops an upload and its parts; an upload already gone is fine. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (err) {
      if (!(err instanceof S3ServiceException && err.name === 'NoSuchUpload')) throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const o = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: o.ContentLength ?? 0, etag: o.ETag, contentType: o.ContentType };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: Buffer | Uint8Array, contentType = 'application/octet-stream') {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  /** The object as a stream; undefined when it does not exist. */
  async stream(key: string): Promise<Readable | undefined> {
    try {
      const o = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return o.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The whole object in memory, refusing one larger than `maxBytes`. */
  async read(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const body = await this.stream(key);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy();
        throw new Error(`object ${key} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }

  /** SHA-256 and size of an object, streamed (never held in memory), plus its first bytes. */
  async digest(key: string, headBytes = 1024): Promise<ObjectDigest | undefined> {
    const body = await this.stream(key);
    if (!body) return undefined;
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      if (headLength < headBytes) {
        const part = chunk.subarray(0, headBytes - headLength);
        head.push(part);
        headLength += part.length;
      }
    }
    return { sha256: hash.digest('hex'), sizeBytes: size, head: Buffer.concat(head) };
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  close(): void {
    this.s3.destroy();
  }
}
