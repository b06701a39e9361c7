import {
  ObjectStorage,
  type ObjectDigest,
  type ObjectInfo,
  type PresignedPut,
  type UploadedPart,
} from '@fabflow/storage';
import type { ShopConfig } from '../shop.config';

type StorageConfig = Pick<
  ShopConfig,
  | 'S3_ENDPOINT'
  | 'S3_PUBLIC_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>;

/**
 * The shop's model files in object storage: one adapter over `ObjectStorage`. The shop reaches
 * S3 at S3_ENDPOINT; upload URLs are signed for S3_PUBLIC_ENDPOINT when the customers reach it
 * at another address (docker compose: the shop talks to `minio:9000`, a client on the host to
 * `localhost:9000`; the host is part of the signature). Signing needs no network.
 */
export class ModelStorage {
  private readonly objects: ObjectStorage;
  private readonly signer: ObjectStorage;

  constructor(config: StorageConfig) {
    this.objects = new ObjectStorage(config);
    this.signer =
      config.S3_PUBLIC_ENDPOINT && config.S3_PUBLIC_ENDPOINT !== config.S3_ENDPOINT
        ? new ObjectStorage({ ...config, S3_ENDPOINT: config.S3_PUBLIC_ENDPOINT })
        : this.objects;
  }

  get bucket(): string {
    return this.objects.bucket;
  }

  ensureBucket(): Promise<void> {
    return this.objects.ensureBucket();
  }

  presignPut(
    key: string,
    opts: { contentLength: number; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    return this.signer.presignPut(key, opts);
  }

  createMultipartUpload(key: string): Promise<string> {
    return this.objects.createMultipartUpload(key);
  }

  presignUploadPart(
    key: string,
    uploadId: string,
    opts: { partNumber: number; contentLength: number; expiresInSeconds: number },
  ): Promise<PresignedPut> {
    return this.signer.presignUploadPart(key, uploadId, opts);
  }

  completeMultipartUpload(key: string, uploadId: string, parts: readonly UploadedPart[]) {
    return this.objects.completeMultipartUpload(key, uploadId, parts);
  }

  abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    return this.objects.abortMultipartUpload(key, uploadId);
  }

  head(key: string): Promise<ObjectInfo | undefined> {
    return this.objects.head(key);
  }

  /** SHA-256 and size streamed, plus the first `headBytes` for format sniffing. */
  digest(key: string, headBytes: number): Promise<ObjectDigest | undefined> {
    return this.objects.digest(key, headBytes);
  }

  close(): void {
    this.objects.close();
    if (this.signer !== this.objects) this.signer.close();
  }
}
