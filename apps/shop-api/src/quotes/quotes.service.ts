import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { z } from 'zod';
import type { Principal } from '@fabflow/auth';
import {
  QuoteRequested,
  type CreateQuoteRequest,
  type EventData,
  type PricingMode,
} from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { PriceListsRepository } from '../price-lists/price-lists.repository';
import type { ShopDatabase } from '../shop.database';
import { UploadsRepository, type ModelFileRow } from '../uploads/uploads.repository';
import { QuoteRequestRefused } from './quote.errors';
import { QuoteMetrics } from './quote-metrics';
import { QuotesRepository, type QuoteWithFile } from './quotes.repository';

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

/** A model file uploaded and checked: its digest and format are known. */
type ReadyFile = ModelFileRow & {
  sha256: string;
  format: NonNullable<ModelFileRow['format']>;
};

/** What the MES is asked to price. */
function requestedEvent(q: {
  id: string;
  customerId: string;
  origin: QuoteOrigin;
  file: ReadyFile;
  input: z.output<typeof CreateQuoteRequest>;
  mode: PricingMode;
  now: Date;
}): EventData<typeof QuoteRequested> {
  const { file, origin } = q;
  return {
    quoteId: q.id,
    customerId: q.customerId,
    channel: origin.channel,
    accountId: origin.channel === 'B2B' ? q.customerId : null,
    ...(origin.channel === 'B2B' ? { maxConcurrentJobs: origin.maxConcurrentJobs } : {}),
    file: {
      fileId: file.id,
      bucket: file.bucket,
      key: file.key,
      sha256: file.sha256,
      sizeBytes: file.size_bytes,
      format: file.format,
      unit: file.unit,
      filename: file.filename,
    },
    materialId: q.input.materialId,
    quantity: q.input.quantity,
    leadTime: q.input.leadTime,
    mode: q.mode,
    requestedAt: q.now.toISOString(),
  };
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
   * the current price list. `idempotencyKey` (the request's, scoped to its principal) is kept
   * on the quote: replaying a retry is the idempotency interceptor's job, but should its stored
   * answer be lost, the key's unique index still refuses a second quote for it.
   */
  async request(
    customerId: string,
    input: z.output<typeof CreateQuoteRequest>,
    origin: QuoteOrigin = B2C,
    idempotencyKey?: string,
  ): Promise<{ quoteId: string }> {
    const file = await this.orderableFile(customerId, input.fileId);
    await this.checkPriceList(input);
    if (origin.channel === 'B2B') await origin.admit?.();

    const id = uuidv7();
    annotateContext('order_id', id);
    annotateContext('quote_id', id);
    const now = new Date();
    const mode: PricingMode = input.firm ? 'FIRM' : 'INDICATIVE';
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
          channel: origin.channel,
          created_at: now,
          updated_at: now,
        });
        await events.emit(
          QuoteRequested,
          requestedEvent({ id, customerId, origin, file, input, mode, now }),
          { subject: id, version: 1 },
        );
      });
    } catch (err) {
      if (idempotencyKey && isUniqueViolation(err, 'quotes_idempotency_key')) {
        const first = await this.quotes.findByIdempotencyKey(customerId, idempotencyKey);
        throw new QuoteRequestRefused({ reason: 'key-already-used', quoteId: first?.id });
      }
      throw err;
    }
    this.metrics.quoteRequested();
    return { quoteId: id };
  }

  /** The caller's file, if it is complete (uploaded and checked). */
  private async orderableFile(customerId: string, fileId: string): Promise<ReadyFile> {
    const file = await this.files.findOwned(fileId, customerId);
    if (!file) throw new QuoteRequestRefused({ reason: 'file-not-found', fileId });
    if (file.status !== 'READY' || !file.sha256 || !file.format)
      throw new QuoteRequestRefused({ reason: 'file-not-complete', fileId: file.id });
    return { ...file, sha256: file.sha256, format: file.format };
  }

  /** The material and lead time must be on the current price list. */
  private async checkPriceList(input: z.output<typeof CreateQuoteRequest>): Promise<void> {
    const priceList = await this.priceLists.current();
    if (!priceList) throw new QuoteRequestRefused({ reason: 'prices-unavailable' });
    if (!priceList.materials.some((m) => m.id === input.materialId))
      throw new QuoteRequestRefused({
        reason: 'unknown-material',
        materialId: input.materialId,
        materials: priceList.materials.map((m) => m.id),
      });
    if (!priceList.lead_times.some((l) => l.tier === input.leadTime))
      throw new QuoteRequestRefused({
        reason: 'lead-time-not-offered',
        leadTime: input.leadTime,
        leadTimes: priceList.lead_times.map((l) => l.tier),
      });
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
}
