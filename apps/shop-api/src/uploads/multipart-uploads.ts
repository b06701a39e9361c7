import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { z } from 'zod';
import type { UploadPartTicket } from '@fabflow/contracts';
import { APP_CONFIG } from '@fabflow/platform';
import type { UploadedPart } from '@fabflow/storage';
import { ModelStorage } from '../storage/model-storage';
import { partSizeFor, planParts } from './upload-plan';
import { UploadRefused } from './upload.errors';
import type { UploadsConfig } from './uploads.config';
import type { ModelFileRow } from './uploads.repository';

type MultipartConfig = Pick<
  UploadsConfig,
  'UPLOAD_PART_BYTES' | 'UPLOAD_MULTIPART_URL_TTL_SECONDS'
>;

export interface MultipartPlan {
  uploadId: string;
  partSizeBytes: number;
  parts: Array<z.infer<typeof UploadPartTicket>>;
  expiresAt: Date;
}

/**
 * Large model files in parts (S3 multipart upload): the shop starts the upload and signs one
 * PUT per part, each for exactly its size; the customer sends the parts straight to S3 and
 * names their ETags on completion, when the shop has S3 assemble them. What S3 requires is
 * kept: part numbers 1..10 000, every part but the last at least 5 MiB.
 */
@Injectable()
export class MultipartUploads {
  constructor(
    private readonly storage: ModelStorage,
    @Inject(APP_CONFIG) private readonly config: MultipartConfig,
  ) {}

  async start(key: string, sizeBytes: number): Promise<MultipartPlan> {
    const partSizeBytes = partSizeFor(sizeBytes, this.config.UPLOAD_PART_BYTES);
    const expiresInSeconds = this.config.UPLOAD_MULTIPART_URL_TTL_SECONDS;
    const uploadId = await this.storage.createMultipartUpload(key);
    const parts = await Promise.all(
      planParts(sizeBytes, partSizeBytes).map(async (p) => {
        const put = await this.storage.presignUploadPart(key, uploadId, {
          partNumber: p.partNumber,
          contentLength: p.sizeBytes,
          expiresInSeconds,
        });
        return { ...p, uploadUrl: put.url, method: 'PUT' as const, headers: put.headers };
      }),
    );
    return {
      uploadId,
      partSizeBytes,
      parts,
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    };
  }

  /** Gives up an upload the shop could not record (its parts would otherwise stay in S3). */
  abort(key: string, uploadId: string): Promise<void> {
    return this.storage.abortMultipartUpload(key, uploadId);
  }

  /**
   * Has S3 assemble the file from the parts the customer names, unless an earlier completion
   * already did. Refuses a parts list that is not exactly parts 1..n in order (400), a part
   * S3 does not have with that ETag (409), an upload S3 no longer has (409).
   */
  async assemble(file: ModelFileRow, parts: readonly UploadedPart[] | undefined): Promise<void> {
    if (await this.storage.head(file.key)) return;
    const count = planParts(file.size_bytes, file.part_size_bytes!).length;
    const how = `complete it with {"parts": [{"partNumber", "etag"}]} for parts 1 to ${count}, each with the ETag header its PUT answered`;
    if (!parts)
      throw new BadRequestException(`parts: upload ${file.id} was sent in ${count} parts: ${how}`);
    const numbers = parts.map((p) => p.partNumber);
    if (numbers.length !== count || numbers.some((n, i) => n !== i + 1))
      throw new BadRequestException(
        `parts: upload ${file.id} has parts 1 to ${count}, each once and in order; got ${numbers.slice(0, 20).join(', ')}${numbers.length > 20 ? ', …' : ''}`,
      );
    const refusal = await this.storage.completeMultipartUpload(
      file.key,
      file.multipart_upload_id!,
      parts,
    );
    if (!refusal) return;
    switch (refusal.code) {
      case 'NoSuchUpload':
        if (await this.storage.head(file.key)) return; // a concurrent completion assembled it
        throw new UploadRefused({ reason: 'parts-discarded', fileId: file.id });
      case 'InvalidPart':
      case 'InvalidPartOrder':
        throw new ConflictException(
          `upload ${file.id}: a part is missing or its ETag is not the one its PUT answered (${refusal.message}); PUT every part to its uploadUrl, then ${how}`,
        );
      case 'EntityTooSmall':
        throw new UnprocessableEntityException(`upload ${file.id}: ${refusal.message}`);
    }
  }
}
