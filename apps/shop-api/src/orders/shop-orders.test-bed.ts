import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsumeMessage } from 'amqplib';
import {
  PriceListPublished,
  QuotePriced,
  type EventData,
  type EventDefinition,
} from '@fabflow/contracts';
import { declareExchange } from '@fabflow/messaging';
import { TestEventPublisher } from '@fabflow/messaging/testing';
import { EmbeddedS3Server } from '@fabflow/storage';
import { binaryStlCube, IsolatedService, waitFor, type HttpClient } from '@fabflow/testing';

const credentials = { accessKeyId: 'orders-test-key', secretAccessKey: 'orders-test-secret' };
export const DAY = 86_400_000;
export const PRICE_LIST = '2026-12-01';

/** A signed-in customer of the shop under test. */
export interface Customer {
  client: HttpClient;
  id: string;
  fileId: string;
}

/** How a test quote is priced (the MES's QuotePriced, played by the test). */
export interface QuoteOptions {
  totalCents?: number;
  /** The quote's own top-up to the price list's minimum (part of totalCents). */
  minimumPriceAdjustmentCents?: number;
  quantity?: number;
  currency?: string;
  validUntil?: Date;
  status?: 'READY' | 'NEEDS_REVIEW';
}

/**
 * The shop's order loop on the real servers (Postgres, RabbitMQ, Redis, S3): a real shop process;
 * the test plays the MES and the CRM with TestEventPublisher, exactly as their relays publish,
 * and reads what the shop publishes from a queue of its own bound to `shop.events`.
 */
export class ShopOrdersTestBed {
  /** Every message the shop published, in arrival order. */
  readonly published: ConsumeMessage[] = [];

  private constructor(
    readonly shop: IsolatedService,
    readonly events: TestEventPublisher,
    private readonly s3: EmbeddedS3Server,
    private readonly dir: string,
  ) {}

  static async start(prefix: string): Promise<ShopOrdersTestBed> {
    const dir = mkdtempSync(join(tmpdir(), `fabflow-${prefix}-s3-`));
    const s3 = await EmbeddedS3Server.start({ dir, credentials });
    const shop = await IsolatedService.start('shop-api', prefix, {
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      QUOTE_EVENTS_HEARTBEAT_MS: '300',
      QUOTE_EXPIRY_SWEEP_MS: '300',
    });
    const events = await TestEventPublisher.connect(shop.vhost.url);
    const bed = new ShopOrdersTestBed(shop, events, s3, dir);
    // No CRM or MES runs here: a queue of the test's own takes a copy of all the shop publishes.
    const ch = events.ch;
    await declareExchange(ch, 'shop.events');
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, 'shop.events', '#');
    await ch.consume(queue, (m) => m && bed.published.push(m), { noAck: true });
    return bed;
  }

  async stop(): Promise<void> {
    await this.events?.close();
    await this.shop?.stop();
    await this.s3?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Registers, logs in and uploads one model (a 20 mm cube). */
  async customer(): Promise<Customer> {
    const email = `o-${randomBytes(4).toString('hex')}@example.com`;
    const anon = this.shop.client();
    const reg = await anon.post('/auth/register', {
      email,
      password: 'a-long-password',
      name: 'O',
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const login = await anon.post('/auth/login', { email, password: 'a-long-password' });
    const client = this.shop.client(login.body.accessToken as string);
    const file = binaryStlCube(20);
    const t = await client.post('/uploads', { filename: 'part.stl', sizeBytes: file.length });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const ticket = t.body as { fileId: string; uploadUrl: string; headers: Record<string, string> };
    const put = await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: ticket.headers,
      body: file,
    });
    assert.equal(put.status, 200);
    assert.equal((await client.post(`/uploads/${ticket.fileId}/complete`)).status, 200);
    return { client, id: reg.body.id as string, fileId: ticket.fileId };
  }

  /** Publishes an event as its service's relay would; resolves with its message id. */
  async publish<E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    opts: { subject: string; version: number; id?: string },
  ): Promise<string> {
    return (await this.events.publish(def, data, opts)).id;
  }

  /** Waits until the shop has handled (or ignored) the message: its inbox row exists. */
  async handled(messageId: string): Promise<void> {
    await waitFor(`message ${messageId} handled`, async () => {
      const rows = await this.shop.query('SELECT 1 FROM inbox WHERE message_id = $1', [messageId]);
      return rows.length === 1;
    });
  }

  async count(sql: string, values: unknown[] = []): Promise<number> {
    return (await this.shop.query<{ n: number }>(sql, values))[0]!.n;
  }

  /** The price list the MES publishes, with a minimum order value (or none). */
  async priceList(minimumOrderCents: number | undefined, publishedAt = new Date()): Promise<void> {
    await this.handled(
      await this.publish(
        PriceListPublished,
        {
          priceListVersion: PRICE_LIST,
          currency: 'EUR',
          materials: [{ id: 'pla-black', name: 'PLA, black', technology: 'FDM' }],
          leadTimes: [{ tier: 'STANDARD', businessDays: 5 }],
          ...(minimumOrderCents !== undefined ? { minimumOrderCents } : {}),
          publishedAt: publishedAt.toISOString(),
        },
        { subject: PRICE_LIST, version: 1 },
      ),
    );
  }

  /** Asks for a quote of the customer's model: its id (CALCULATING). */
  async calculatingQuote(c: Customer, quantity = 2): Promise<string> {
    const res = await c.client.post('/quotes', {
      fileId: c.fileId,
      materialId: 'pla-black',
      quantity,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.quoteId as string;
  }

  /** A quote of the customer's, priced by the (played) MES. */
  async pricedQuote(c: Customer, o: QuoteOptions = {}): Promise<string> {
    const quantity = o.quantity ?? 2;
    const id = await this.calculatingQuote(c, quantity);
    await this.handled(
      await this.publish(QuotePriced, pricedEvent(id, { ...o, quantity }), {
        subject: id,
        version: 2,
      }),
    );
    return id;
  }
}

/** QuotePriced for a test quote (2 × pla-black, STANDARD unless told). */
export function pricedEvent(quoteId: string, o: QuoteOptions = {}): EventData<typeof QuotePriced> {
  const quantity = o.quantity ?? 2;
  const total = o.totalCents ?? 2240;
  const topUp = o.minimumPriceAdjustmentCents ?? 0;
  return {
    quoteId,
    status: o.status ?? 'READY',
    mode: 'INDICATIVE',
    price: {
      currency: o.currency ?? 'EUR',
      materialCents: Math.floor((total - topUp) / 2),
      supportCents: 0,
      machineTimeCents: total - topUp - Math.floor((total - topUp) / 2),
      setupCents: 0,
      postProcessingCents: 0,
      subtotalCents: total - topUp,
      quantityDiscountCents: 0,
      leadTimeAdjustmentCents: 0,
      minimumPriceAdjustmentCents: topUp,
      totalCents: total,
      unitPriceCents: Math.round(total / quantity),
    },
    model: {
      format: 'STL_BINARY',
      triangles: 12,
      volumeMm3: 8000,
      surfaceAreaMm2: 2400,
      bboxMm: { x: 20, y: 20, z: 20 },
      watertight: true,
      shells: 1,
    },
    materialId: 'pla-black',
    technology: 'FDM',
    quantity,
    leadTime: 'STANDARD',
    machineId: 'fdm-1',
    partsPerBuild: quantity,
    machineSeconds: 5400,
    reviewReasons:
      o.status === 'NEEDS_REVIEW'
        ? [{ code: 'NOT_WATERTIGHT', message: 'the mesh has holes: a person checks it' }]
        : [],
    priceListVersion: PRICE_LIST,
    engineVersion: 'test-engine',
    validUntil: (o.validUntil ?? new Date(Date.now() + 14 * DAY)).toISOString(),
    pricedAt: new Date().toISOString(),
  };
}
