import type { ConsumeMessage } from 'amqplib';
import {
  PriceListPublished,
  QuotePriced,
  QuoteProgressed,
  QuoteRequested,
  type EventData,
} from '@fabflow/contracts';
import { waitFor } from '@fabflow/testing';
import type { FabflowSystem } from './fabflow-system';
import { TestEventPublisher } from '@fabflow/messaging/testing';

/** The price list the MES seeds (its migration `mes_machines_price_lists`), as it publishes it. */
export const SEEDED_PRICE_LIST: EventData<typeof PriceListPublished> = {
  priceListVersion: '2026-12-01',
  currency: 'EUR',
  materials: [
    { id: 'pla-black', name: 'PLA, black', technology: 'FDM' },
    { id: 'petg-clear', name: 'PETG, clear', technology: 'FDM' },
    { id: 'resin-grey', name: 'Standard resin, grey', technology: 'SLA' },
    { id: 'pa12-sls', name: 'PA12 nylon (SLS)', technology: 'SLS' },
    { id: 'pa12-mjf', name: 'PA12 nylon (MJF)', technology: 'MJF' },
  ],
  leadTimes: [
    { tier: 'ECONOMY', businessDays: 10 },
    { tier: 'STANDARD', businessDays: 5 },
    { tier: 'EXPRESS', businessDays: 2 },
  ],
  // Older than any publication of the MES itself, whose own (same) list then wins.
  publishedAt: '2026-01-01T00:00:00.000Z',
};

/**
 * Aggregate versions this double publishes with: above any the MES's own pricing job reaches
 * in a test, so its events are never taken for stale ones.
 */
const VERSION_BASE = 1_000_000;

/**
 * Plays the MES's pricing side in a system without the pricing worker, for tests of the shop's
 * and the order flow's side of quotes: it publishes the seeded price list and a quote's
 * progress and result to `mes.events` as the MES's relay would, and keeps its own copy of every
 * QuoteRequested (its queue also keeps the shop's relay from finding quote requests
 * unroutable where no MES subscription is bound yet). Tests of pricing itself run the worker
 * (`FabflowSystem.start(label, { pricing: true })`) instead.
 */
export class PricingDouble {
  private readonly requested: ConsumeMessage[] = [];
  private version = VERSION_BASE;

  private constructor(private readonly publisher: TestEventPublisher) {}

  static async start(sys: FabflowSystem): Promise<PricingDouble> {
    const publisher = await TestEventPublisher.connect(sys.vhost.url.split(',')[0]!);
    const double = new PricingDouble(publisher);
    const ch = publisher.ch;
    await ch.assertExchange(QuoteRequested.exchange, 'topic', { durable: true });
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, QuoteRequested.exchange, QuoteRequested.routingKey);
    await ch.consume(queue, (m) => m && double.requested.push(m), { noAck: true });
    await publisher.publish(PriceListPublished, SEEDED_PRICE_LIST, {
      subject: SEEDED_PRICE_LIST.priceListVersion,
      version: 1,
    });
    const shop = sys.client('shop');
    await waitFor('the price list in the shop', async () => {
      const res = await shop.get<{ items: unknown[] }>('/materials');
      return res.body.items.length > 0;
    });
    return double;
  }

  /** The QuoteRequested the shop published for a quote. */
  async requestOf(quoteId: string): Promise<EventData<typeof QuoteRequested>> {
    const m = await waitFor(`QuoteRequested for ${quoteId}`, () =>
      this.requested.find((r) => r.properties.headers?.['ce-subject'] === quoteId),
    );
    return QuoteRequested.schema.parse(JSON.parse(m.content.toString()));
  }

  async progress(quoteId: string, stage: string, overall: number): Promise<void> {
    const request = await this.requestOf(quoteId);
    await this.publisher.publish(
      QuoteProgressed,
      { quoteId, stage, fraction: 1, overall, mode: request.mode, attempt: 1 },
      { subject: quoteId, version: ++this.version },
    );
  }

  /** Prices the quote as it was requested: `unitPriceCents` per part, valid for 14 days. */
  async price(
    quoteId: string,
    opts: { unitPriceCents?: number; status?: 'READY' | 'NEEDS_REVIEW' } = {},
  ): Promise<EventData<typeof QuotePriced>> {
    const r = await this.requestOf(quoteId);
    const unit = opts.unitPriceCents ?? 1840;
    const total = unit * r.quantity;
    const data: EventData<typeof QuotePriced> = {
      quoteId,
      status: opts.status ?? 'READY',
      mode: r.mode,
      price: {
        currency: 'EUR',
        materialCents: Math.round(total / 2),
        supportCents: 0,
        machineTimeCents: total - Math.round(total / 2),
        setupCents: 0,
        postProcessingCents: 0,
        subtotalCents: total,
        quantityDiscountCents: 0,
        leadTimeAdjustmentCents: 0,
        minimumPriceAdjustmentCents: 0,
        totalCents: total,
        unitPriceCents: unit,
      },
      model: {
        format: r.file.format,
        triangles: 12,
        volumeMm3: 8000,
        surfaceAreaMm2: 2400,
        bboxMm: { x: 20, y: 20, z: 20 },
        watertight: true,
        shells: 1,
      },
      materialId: r.materialId,
      technology: 'FDM',
      quantity: r.quantity,
      leadTime: r.leadTime,
      machineId: 'fdm-1',
      partsPerBuild: r.quantity,
      machineSeconds: 3600,
      reviewReasons: [],
      priceListVersion: SEEDED_PRICE_LIST.priceListVersion,
      engineVersion: 'pricing-double',
      validUntil: new Date(Date.now() + 14 * 86_400_000).toISOString(),
      pricedAt: new Date().toISOString(),
    };
    await this.publisher.publish(QuotePriced, data, { subject: quoteId, version: ++this.version });
    return data;
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}
