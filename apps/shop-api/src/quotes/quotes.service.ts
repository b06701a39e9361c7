import { createHash } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { z } from 'zod';
import type { Principal } from '@fabflow/auth';
import { QuoteRequested, type CreateQuoteRequest } from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { PriceListsRepository } from '../price-lists/price-lists.repository';
import type { ShopDatabase } from '../shop.database';
import { UploadsRepository } from '../uploads/uploads.repository';
import { QuoteMetrics } from './quote-metrics';
import { QuotesRepository, type QuoteRow, type QuoteWithFile } from './quotes.repository';

/**
 * Who asks for a quote: a B2C customer, or a B2B organisation through an API key (the
 * organisation is the customer: its account in `customers` has its id).
 */
export type QuoteOrigin =
  | { channel: 'B2C' }
  | {
      channel: 'B2B';
      /** The tier's cap on pricing jobs at once, carried to the MES in QuoteRequested. */
      maxConcurrentJobs: number;
      /**
       * Runs once the request is found valid, just before the quote is written (the daily
       * quota); throwing refuses it with nothing written.
       */
      admit?: () => Promise<void>;
    };

const B2C: QuoteOrigin = { channel: 'B2C' };

export interface RequestQuoteResult {
  quoteId: string;
  replayed: boolean;
}

@Injectable()
export class QuotesService {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly files: UploadsRepository,
    private readonly priceLists: PriceListsRepository,
    private readonly metrics: QuoteMetrics,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  /**
   * Asks the MES for a price: the quote (CALCULATING) and its `QuoteRequested` commit in one
   * transaction. The file must be the caller's and READY; the material and lead time must be on
   * the current price list. With an Idempotency-Key a retry answers with the first quote.
   */
  async request(
    customerId: string,
    input: z.output<typeof CreateQuoteRequest>,
    idempotencyKey?: string,
    origin: QuoteOrigin = B2C,
  ): Promise<RequestQuoteResult> {
    const b2b = origin.channel === 'B2B';
    const paths = b2b
      ? { file: 'model', complete: (id: string) => `/b2b/v1/models/${id}/complete` }
      : { file: 'upload', complete: (id: string) => `/uploads/${id}/complete` };
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          input.fileId,
          input.materialId,
          input.quantity,
          input.leadTime,
          input.firm,
        ]),
      )
      .digest('hex');
    if (idempotencyKey) {
      const existing = await this.quotes.findByIdempotencyKey(customerId, idempotencyKey);
      if (existing) return this.replay(existing, requestHash);
    }
    const file = await this.files.findOwned(input.fileId, customerId);
    if (!file) throw new NotFoundException(`${paths.file} ${input.fileId} not found`);
    if (file.status !== 'READY' || !file.sha256 || !file.format)
      throw new ConflictException(
        `${paths.file} ${file.id} is not complete: PUT the file, then POST ${paths.complete(file.id)}`,
      );
    const priceList = await this.priceLists.current();
    if (!priceList)
      throw new ServiceUnavailableException(
        'prices are not available yet (no price list has arrived from production); retry shortly',
      );
    if (!priceList.materials.some((m) => m.id === input.materialId))
      throw new UnprocessableEntityException(
        `unknown material "${input.materialId}"; valid materials: ${priceList.materials
          .map((m) => m.id)
          .join(', ')} (GET /materials)`,
      );
    if (!priceList.lead_times.some((l) => l.tier === input.leadTime))
      throw new UnprocessableEntityException(
        `lead time ${input.leadTime} is not offered; valid lead times: ${priceList.lead_times
          .map((l) => l.tier)
          .join(', ')}`,
      );

    if (origin.channel === 'B2B') await origin.admit?.();

    const id = uuidv7();
    annotateContext('order_id', id);
    annotateContext('quote_id', id);
    const now = new Date();
    const mode = input.firm ? 'FIRM' : 'INDICATIVE';
    try {
      await this.uow.run(async (tx, events) => {
        await this.quotes.insert(tx, {
          id,
          customer_id: customerId,
          file_id: file.id,
          material_id: input.materialId,
          quantity: input.quantity,
          lead_time: input.leadTime,
          mode,
          status: 'CALCULATING',
          progress_stage: null,
          progress_at: null,
          price_mode: null,
          price: null,
          model: null,
          pricing: null,
          failure_code: null,
          failure_reason: null,
          valid_until: null,
          idempotency_key: idempotencyKey ?? null,
          request_hash: idempotencyKey ? requestHash : null,
          channel: origin.channel,
          created_at: now,
          updated_at: now,
        });
        await events.emit(
          QuoteRequested,
          {
            quoteId: id,
            customerId,
            channel: origin.channel,
            accountId: b2b ? customerId : null,
            ...(origin.channel === 'B2B' ? { maxConcurrentJobs: origin.maxConcurrentJobs } : {}),
            file: {
              fileId: file.id,
              bucket: file.bucket,
              key: file.key,
              sha256: file.sha256!,
              sizeBytes: file.size_bytes,
              format: file.format!,
              unit: file.unit,
              filename: file.filename,
            },
            materialId: input.materialId,
            quantity: input.quantity,
            leadTime: input.leadTime,
            mode,
            requestedAt: now.toISOString(),
          },
          { subject: id, version: 1 },
        );
      });
    } catch (err) {
      // A concurrent request with the same key won the race: answer as its replay.
      if (idempotencyKey && isUniqueViolation(err, 'quotes_idempotency_key')) {
        const existing = await this.quotes.findByIdempotencyKey(customerId, idempotencyKey);
        if (existing) return this.replay(existing, requestHash);
      }
      throw err;
    }
    this.metrics.quoteRequested();
    return { quoteId: id, replayed: false };
  }

  get(id: string, caller: Principal): Promise<QuoteWithFile> {
    return this.getOwned(id, caller.role === 'admin' ? undefined : caller.userId);
  }

  /** The quote of `ownerId` (a customer or a B2B organisation; undefined: anyone's), else 404. */
  async getOwned(id: string, ownerId: string | undefined): Promise<QuoteWithFile> {
    const quote = await this.quotes.findOwned(id, ownerId);
    if (!quote) throw new NotFoundException(`quote ${id} not found`);
    return quote;
  }

  list(customerId: string, limit: number): Promise<QuoteWithFile[]> {
    return this.quotes.listByCustomer(customerId, limit);
  }

  private replay(existing: QuoteRow, requestHash: string): RequestQuoteResult {
    if (existing.request_hash !== requestHash)
      throw new UnprocessableEntityException(
        'this Idempotency-Key was already used with a different request body',
      );
    return { quoteId: existing.id, replayed: true };
  }
}
