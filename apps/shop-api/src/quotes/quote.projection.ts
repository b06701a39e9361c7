import { Injectable } from '@nestjs/common';
import {
  QUOTE_TRANSITIONS,
  type EventData,
  type QuoteFailed,
  type QuotePriced,
  type QuoteProgressed,
} from '@fabflow/contracts';
import { PermanentError, type EventEnvelope, type HandlerContext } from '@fabflow/messaging';
import { Notifications } from '../notifications/notifications';
import type { ShopDatabase } from '../shop.database';
import { QuoteMetrics } from './quote-metrics';
import { QuoteNotifier } from './quote-notifier';
import { QuotesRepository, type QuoteChange, type QuoteWithFile } from './quotes.repository';

type Change =
  | { kind: 'progressed'; data: EventData<typeof QuoteProgressed> }
  | { kind: 'priced'; data: EventData<typeof QuotePriced> }
  | { kind: 'failed'; data: EventData<typeof QuoteFailed> };

/**
 * Applies the MES's pricing events to the customer's quote. Events arrive in any order and
 * more than once: one applies only if its version (the MES pricing job's) is newer than the
 * last applied, progress only while the quote is CALCULATING, and a result only along
 * QUOTE_TRANSITIONS, so a quote never leaves READY, FAILED, ACCEPTED or EXPIRED for a late
 * event. Open progress streams hear of every applied change after the commit. An outcome is
 * also notified in the same transaction (for a B2B quote, its `quote.completed` /
 * `quote.failed` webhooks), with an id derived from the MES event's, so a duplicate never
 * makes a second.
 */
@Injectable()
export class QuoteProjection {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly metrics: QuoteMetrics,
    private readonly notifications: Notifications,
  ) {}

  async apply(
    { tx, logger, afterCommit }: HandlerContext<ShopDatabase>,
    e: EventEnvelope,
    change: Change,
  ): Promise<void> {
    const quoteId = change.data.quoteId;
    const quote = await this.quotes.lock(tx, quoteId);
    // The shop writes a quote before asking for its price: retry, then the DLQ shows it.
    if (!quote) throw new Error(`quote ${quoteId} not found in the shop`);
    const ignore = (why: string) =>
      logger.info(
        { quoteId, version: e.version, seen: quote.mes_version, why },
        'quote event ignored',
      );
    if (e.version <= quote.mes_version) return ignore('stale or duplicate version');
    const update = this.changeFor(quote, change);
    if (typeof update === 'string') return ignore(update);
    await this.quotes.update(tx, quoteId, { ...update, mes_version: e.version });
    if (update.status !== undefined) {
      // Notified in this transaction: the notifications exist exactly when this commits.
      const now = (await this.quotes.lock(tx, quoteId))!;
      if (now.status === 'FAILED') await this.notifications.quoteFailed(tx, now, e);
      else if (now.status === 'READY' || now.status === 'NEEDS_REVIEW')
        await this.notifications.quoteCompleted(tx, now, e);
    }
    afterCommit(() => {
      this.notifier.changed(quoteId);
      if (
        update.status === 'READY' ||
        update.status === 'NEEDS_REVIEW' ||
        update.status === 'FAILED'
      )
        this.metrics.outcome(update.status);
    });
  }

  /** The row change for an event, or why it does not apply. */
  private changeFor(quote: QuoteWithFile, change: Change): QuoteChange | string {
    switch (change.kind) {
      case 'progressed': {
        if (quote.status !== 'CALCULATING') return `progress for a ${quote.status} quote`;
        const d = change.data;
        return {
          progress_stage: d.stage,
          progress_fraction: d.fraction,
          progress_overall: d.overall,
          progress_at: new Date(),
        };
      }
      case 'priced': {
        const d = change.data;
        if (!QUOTE_TRANSITIONS[quote.status].includes(d.status))
          return `a ${d.status} result for a ${quote.status} quote`;
        // A price for another request than this quote's is a bug upstream: never show it.
        if (
          d.materialId !== quote.material_id ||
          d.quantity !== quote.quantity ||
          d.leadTime !== quote.lead_time
        )
          throw new PermanentError(
            `QuotePriced for quote ${quote.id} prices ${d.quantity} × ${d.materialId} (${d.leadTime}), ` +
              `but the quote asks for ${quote.quantity} × ${quote.material_id} (${quote.lead_time})`,
          );
        return {
          status: d.status,
          price_mode: d.mode,
          price: JSON.stringify(d.price),
          price_source: 'ENGINE',
          model: JSON.stringify(d.model),
          review_reasons: JSON.stringify(d.reviewReasons),
          pricing: JSON.stringify({
            technology: d.technology,
            machineId: d.machineId,
            partsPerBuild: d.partsPerBuild,
            machineSeconds: d.machineSeconds,
            priceListVersion: d.priceListVersion,
            engineVersion: d.engineVersion,
            pricedAt: d.pricedAt,
          }),
          valid_until: new Date(d.validUntil),
          progress_overall: 1,
          progress_fraction: 1,
          progress_at: new Date(),
        };
      }
      case 'failed': {
        if (!QUOTE_TRANSITIONS[quote.status].includes('FAILED'))
          return `a failure for a ${quote.status} quote`;
        return {
          status: 'FAILED',
          failure_code: change.data.code,
          failure_reason: change.data.reason,
        };
      }
    }
  }
}
