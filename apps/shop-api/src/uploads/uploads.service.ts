import {
  BadRequestException,
  Inject,
  Injectable,
  PayloadTooLargeException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { z } from 'zod';
import type { Principal } from '@fabflow/auth';
import type { CreateUploadRequest, UploadTicket } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { APP_CONFIG } from '@fabflow/platform';
import type { UploadedPart } from '@fabflow/storage';
import type { ShopConfig } from '../shop.config';
import { ModelStorage } from '../storage/model-storage';
import { sniffModelFormat, SNIFF_BYTES } from './model-format';
import { UploadRefused } from './upload.errors';
import { MultipartUploads, type MultipartPlan } from './multipart-uploads';
import { UploadMetrics } from './upload-metrics';
import type { UploadsConfig } from './uploads.config';
import { UploadsRepository, type ModelFileRow } from './uploads.repository';

type UploadConfig = Pick<ShopConfig, 'UPLOAD_MAX_BYTES' | 'UPLOAD_URL_TTL_SECONDS'> &
  Pick<UploadsConfig, 'UPLOAD_MULTIPART_THRESHOLD_BYTES'>;
type Ticket = z.infer<typeof UploadTicket>;
type NewUpload = z.output<typeof CreateUploadRequest>;

/** Where a customer's model file lives in the bucket. */
export const modelKey = (customerId: string, fileId: string) => `models/${customerId}/${fileId}`;

/** Whose files a caller sees: their own, or (admin) anyone's. */
const ownerOf = (caller: Principal) => (caller.role === 'admin' ? undefined : caller.userId);

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes < 1024 ** 2 ? 2 : 0)} MiB`;

/**
 * Model uploads straight to object storage: the shop hands out a presigned PUT for exactly the
 * announced size (above UPLOAD_MULTIPART_THRESHOLD_BYTES, a multipart upload: one presigned PUT
 * per part), and on completion checks what arrived (size, streamed SHA-256, format) before the
 * file can be quoted.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly files: UploadsRepository,
    private readonly storage: ModelStorage,
    private readonly metrics: UploadMetrics,
    private readonly multipart: MultipartUploads,
    @Inject(APP_CONFIG) private readonly config: UploadConfig,
  ) {}

  async create(customerId: string, input: NewUpload): Promise<Ticket> {
    const max = this.config.UPLOAD_MAX_BYTES;
    if (input.sizeBytes > max)
      throw new PayloadTooLargeException(
        `the file has ${input.sizeBytes} bytes; the largest model file is ${max} bytes (${mib(max)})`,
      );
    const id = uuidv7();
    const key = modelKey(customerId, id);
    if (input.sizeBytes > this.config.UPLOAD_MULTIPART_THRESHOLD_BYTES)
      return this.createMultipart(id, customerId, key, input);
    // Signed with its content-length: S3 refuses a PUT of any other size, or after expiry.
    const put = await this.storage.presignPut(key, {
      contentLength: input.sizeBytes,
      expiresInSeconds: this.config.UPLOAD_URL_TTL_SECONDS,
    });
    await this.record(id, customerId, key, input);
    return {
      fileId: id,
      kind: 'SINGLE',
      uploadUrl: put.url,
      method: 'PUT',
      headers: put.headers,
      expiresAt: put.expiresAt.toISOString(),
      maxBytes: max,
    };
  }

  private async createMultipart(id: string, customerId: string, key: string, input: NewUpload) {
    const plan = await this.multipart.start(key, input.sizeBytes);
    try {
      await this.record(id, customerId, key, input, plan);
    } catch (err) {
      await this.multipart.abort(key, plan.uploadId).catch(() => undefined);
      throw err;
    }
    return {
      fileId: id,
      kind: 'MULTIPART' as const,
      partSizeBytes: plan.partSizeBytes,
      parts: plan.parts,
      expiresAt: plan.expiresAt.toISOString(),
      maxBytes: this.config.UPLOAD_MAX_BYTES,
    };
  }

  private async record(
    id: string,
    customerId: string,
    key: string,
    input: NewUpload,
    plan?: MultipartPlan,
  ) {
    await this.files.insert({
      id,
      customer_id: customerId,
      filename: input.filename,
      unit: input.unit,
      size_bytes: input.sizeBytes,
      status: 'PENDING_UPLOAD',
      bucket: this.storage.bucket,
      key,
      sha256: null,
      format: null,
      completed_at: null,
      multipart_upload_id: plan?.uploadId ?? null,
      part_size_bytes: plan?.partSizeBytes ?? null,
    });
  }

  get(id: string, caller: Principal): Promise<ModelFileRow> {
    return this.getOwned(id, ownerOf(caller));
  }

  /** The file of `ownerId` (a customer or a B2B organisation; undefined: anyone's), else 404. */
  async getOwned(id: string, ownerId: string | undefined): Promise<ModelFileRow> {
    const file = await this.files.findOwned(id, ownerId);
    if (!file) throw new UploadRefused({ reason: 'not-found', fileId: id });
    return file;
  }

  /**
   * Checks the uploaded object and makes the file READY (a multipart upload is assembled first,
   * from the parts named). Idempotent: a READY file is returned as it is. A wrong size or an
   * unreadable format is refused (422) and the file stays unusable until a correct file is PUT
   * (while the URL is valid; an assembled multipart upload cannot be replaced) or a new upload
   * is started.
   */
  complete(id: string, caller: Principal, parts?: readonly UploadedPart[]): Promise<ModelFileRow> {
    return this.completeOwned(id, ownerOf(caller), parts);
  }

  async completeOwned(
    id: string,
    ownerId: string | undefined,
    parts?: readonly UploadedPart[],
  ): Promise<ModelFileRow> {
    const file = await this.getOwned(id, ownerId);
    if (file.status === 'READY') return file;
    if (file.multipart_upload_id) await this.multipart.assemble(file, parts);
    else if (parts)
      throw new BadRequestException(`parts: upload ${id} is one PUT; complete it without parts`);
    const object = await this.storage.head(file.key);
    if (!object) throw new UploadRefused({ reason: 'no-file-yet', fileId: id });
    if (object.sizeBytes !== file.size_bytes)
      this.reject(
        file,
        `the uploaded file has ${object.sizeBytes} bytes but ${file.size_bytes} were announced; upload it again`,
      );
    const digest = await this.storage.digest(file.key, SNIFF_BYTES);
    if (!digest) throw new UploadRefused({ reason: 'file-gone', fileId: id });
    if (digest.sizeBytes !== file.size_bytes)
      this.reject(
        file,
        `the uploaded file has ${digest.sizeBytes} bytes but ${file.size_bytes} were announced; upload it again`,
      );
    const sniffed = sniffModelFormat(digest.head, digest.sizeBytes);
    if (!sniffed.ok) this.reject(file, `${sniffed.code}: ${sniffed.reason}`);
    const ready = await this.files.markReady(id, { sha256: digest.sha256, format: sniffed.format });
    if (!ready) return this.getOwned(id, ownerId); // a concurrent completion made it READY
    this.metrics.completed(ready.size_bytes);
    return ready;
  }

  /** Refuses the completion; nothing is written, the customer can upload a correct file. */
  private reject(file: ModelFileRow, reason: string): never {
    this.metrics.rejected();
    throw new UnprocessableEntityException(`${file.filename}: ${reason}`);
  }
}
