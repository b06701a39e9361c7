import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import { waitFor, type HttpClient } from '@fabflow/testing';
import type { FabflowSystem } from './fabflow-system';
import { readyQuotes } from './quotes';

/**
 * READY quotes for a stream, made ahead in batches by the `readyQuotes` fixture (see there), so
 * a stream never waits for one, and a batch of spare ones outlives a short database outage.
 */
class ReadyQuotePool {
  private readonly ready: string[] = [];
  private topping: Promise<void> | undefined;

  constructor(
    private readonly sys: FabflowSystem,
    private readonly customerId: string,
    private readonly batch: number,
  ) {}

  async fill(): Promise<void> {
    await this.topUp();
    assert.ok(this.ready.length > 0, 'fixture quotes were written');
  }

  async take(): Promise<string> {
    for (;;) {
      if (this.ready.length < this.batch / 2) void this.topUp();
      const id = this.ready.shift();
      if (id) return id;
      await (this.topping ?? new Promise((r) => setTimeout(r, 200)));
    }
  }

  private topUp(): Promise<void> {
    this.topping ??= readyQuotes(this.sys, this.customerId, this.batch)
      .then((ids) => void this.ready.push(...ids))
      // The database may be restarting (a fault test): the next take tries again.
      .catch(() => new Promise<void>((r) => setTimeout(r, 200)))
      .finally(() => (this.topping = undefined));
    return this.topping;
  }
}

/**
 * A steady stream of orders from one customer at a fixed rate, the way a careful client sends
 * them: each from its own READY quote with its own Idempotency-Key, retried with that key on a
 * network error or a 5xx until the shop accepts it. `accepted` is what the shop promised to
 * deliver.
 */
export class OrderStream {
  readonly accepted: Array<{ id: string; at: number }> = [];
  /** Attempts that failed and were retried (network errors, 5xx). */
  retries = 0;
  private running = false;
  private aborted = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly quotes: ReadyQuotePool;
  private readonly shop: HttpClient;

  constructor(
    sys: FabflowSystem,
    customer: { id: string; token: string },
    private readonly perSecond: number,
  ) {
    this.shop = sys.client('shop', customer.token);
    // Ten seconds' worth of quotes a batch.
    this.quotes = new ReadyQuotePool(sys, customer.id, Math.max(20, perSecond * 10));
  }

  /** Makes the first batch of quotes, then starts sending. */
  async start(): Promise<void> {
    await this.quotes.fill();
    this.running = true;
    this.loop = this.run();
  }

  /** Stops sending new orders and waits until every order already sent is accepted. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Gives up: stops sending and abandons retries (after a failed test). */
  abort(): void {
    this.running = false;
    this.aborted = true;
  }

  /** Accepted orders after `at` (ms since epoch). */
  acceptedSince(at: number): number {
    return this.accepted.filter((o) => o.at >= at).length;
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.perSecond;
    const begin = performance.now();
    for (let n = 0; this.running; n++) {
      const wait = begin + n * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const p = this.placeOne().finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async placeOne(): Promise<void> {
    const key = randomUUID();
    const quoteId = await this.quotes.take();
    for (let attempt = 1; !this.aborted; attempt++) {
      try {
        const res = await this.shop.post('/orders', { quoteId }, { 'idempotency-key': key });
        if (res.status === 201) {
          this.accepted.push({ id: res.body.id as string, at: Date.now() });
          return;
        }
        // 5xx: nothing was decided; 409 with Retry-After: the same key is still being processed
        // (a first attempt cut off by the fault): both are retried, as the API asks clients to.
        const inFlight = res.status === 409 && res.headers.get('retry-after') !== null;
        assert.ok(
          res.status >= 500 || inFlight,
          `order refused: ${res.status} ${JSON.stringify(res.body)}`,
        );
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
      }
      this.retries += 1;
      assert.ok(attempt < 600, 'an order was never accepted');
      await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1000)));
    }
  }
}

export interface DeliveryAudit {
  accepted: number;
  /**
   * Accepted orders without their effect: in the CRM, in the MES, confirmed back in the shop,
   * their quote ACCEPTED in the shop, their quote on the MES work order.
   */
  lost: {
    crm: number;
    mes: number;
    shopConfirmed: number;
    quoteAccepted: number;
    mesQuote: number;
  };
  duplicateEffects: {
    crmOrders: number;
    workOrders: number;
    timeline: number;
    shopHistory: number;
  };
  unknown: { crm: number; mes: number };
}

const count = async (
  sys: FabflowSystem,
  name: 'shop' | 'crm' | 'mes',
  text: string,
  ids: string[],
) => (await sys.query<{ n: number }>(name, text, [ids]))[0]!.n;

/**
 * Approves every accepted order in the CRM (as the manager), waits until each has reached the
 * CRM, the MES and back to the shop, then counts effects in the services' own databases:
 * `lost` (accepted without an effect), `duplicateEffects` (an effect applied twice) and
 * `unknown` (an effect for an order nobody accepted).
 */
export async function auditDelivery(
  sys: FabflowSystem,
  managerToken: string,
  orderIds: string[],
  opts: {
    timeoutMs?: number;
    onApproved?: (approved: number, total: number) => Promise<void>;
  } = {},
): Promise<DeliveryAudit> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const crmCount = () =>
    count(sys, 'crm', 'SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[])', orderIds);
  await waitFor(
    'every accepted order in the CRM',
    async () => (await crmCount()) === orderIds.length,
    timeoutMs,
  ).catch(() => undefined);
  const crm = sys.client('crm', managerToken);
  const waiting = await sys.query<{ id: string }>(
    'crm',
    "SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status = 'AWAITING_CONFIRMATION'",
    [orderIds],
  );
  for (let i = 0; i < waiting.length; i += 8) {
    await Promise.all(
      waiting.slice(i, i + 8).map(async ({ id }) => {
        const res = await crm.post(`/orders/${id}/approve`, {});
        assert.equal(res.status, 200, `approve ${id}: ${JSON.stringify(res.body)}`);
      }),
    );
    await opts.onApproved?.(Math.min(i + 8, waiting.length), waiting.length);
  }
  const mesCount = () =>
    count(
      sys,
      'mes',
      'SELECT count(*)::int AS n FROM work_orders WHERE order_id = ANY($1::uuid[])',
      orderIds,
    );
  const confirmedCount = () =>
    count(
      sys,
      'shop',
      "SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'CONFIRMED'",
      orderIds,
    );
  await waitFor(
    'every approved order in the MES and confirmed in the shop',
    async () =>
      (await mesCount()) === orderIds.length && (await confirmedCount()) === orderIds.length,
    timeoutMs,
  ).catch(() => undefined);

  const dup = (name: 'shop' | 'crm' | 'mes', table: string, key: string) =>
    count(
      sys,
      name,
      `SELECT coalesce(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM ${table} WHERE ${key} = ANY($1::uuid[]) GROUP BY ${key}) g`,
      orderIds,
    );
  const [crmOrders, mesOrders, confirmed] = await Promise.all([
    crmCount(),
    mesCount(),
    confirmedCount(),
  ]);
  const quotesAccepted = await count(
    sys,
    'shop',
    `SELECT count(*)::int AS n FROM order_lines l JOIN quotes q ON q.id = l.quote_id
     WHERE l.order_id = ANY($1::uuid[]) AND q.status = 'ACCEPTED'`,
    orderIds,
  );
  const orderQuotes = await sys.query<{ id: string; quote_id: string }>(
    'shop',
    // Each order of the stream is one line (one quote).
    'SELECT order_id AS id, quote_id FROM order_lines WHERE order_id = ANY($1::uuid[])',
    [orderIds],
  );
  const [mesQuotes] = await sys.query<{ n: number }>(
    'mes',
    `SELECT count(*)::int AS n FROM work_orders w
     JOIN unnest($1::uuid[], $2::uuid[]) AS o(id, quote_id) ON o.id = w.order_id
     WHERE w.quote_id = o.quote_id`,
    [orderQuotes.map((o) => o.id), orderQuotes.map((o) => o.quote_id)],
  );
  const [crmAll] = await sys.query<{ n: number }>('crm', 'SELECT count(*)::int AS n FROM orders');
  const [mesAll] = await sys.query<{ n: number }>(
    'mes',
    'SELECT count(*)::int AS n FROM work_orders',
  );
  const [timelineDup] = await sys.query<{ n: number }>(
    'crm',
    'SELECT (count(*) - count(DISTINCT event_id))::int AS n FROM order_timeline',
  );
  return {
    accepted: orderIds.length,
    lost: {
      crm: orderIds.length - crmOrders,
      mes: orderIds.length - mesOrders,
      shopConfirmed: orderIds.length - confirmed,
      quoteAccepted: orderIds.length - quotesAccepted,
      mesQuote: orderIds.length - mesQuotes!.n,
    },
    duplicateEffects: {
      crmOrders: await dup('crm', 'orders', 'id'),
      workOrders: await dup('mes', 'work_orders', 'order_id'),
      timeline: timelineDup!.n,
      shopHistory: await count(
        sys,
        'shop',
        `SELECT coalesce(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM order_status_history
           WHERE order_id = ANY($1::uuid[]) GROUP BY order_id, status) g`,
        orderIds,
      ),
    },
    unknown: { crm: crmAll!.n - crmOrders, mes: mesAll!.n - mesOrders },
  };
}

/** Asserts nothing was lost, nothing applied twice and nothing appeared from nowhere. */
export function assertExactlyOnce(audit: DeliveryAudit): void {
  assert.ok(audit.accepted > 0, 'the stream accepted orders');
  assert.deepEqual(
    { lost: audit.lost, duplicateEffects: audit.duplicateEffects, unknown: audit.unknown },
    {
      lost: { crm: 0, mes: 0, shopConfirmed: 0, quoteAccepted: 0, mesQuote: 0 },
      duplicateEffects: { crmOrders: 0, workOrders: 0, timeline: 0, shopHistory: 0 },
      unknown: { crm: 0, mes: 0 },
    },
  );
}

/** The subscriptions an order stream goes through; each must exist in the system. */
const ORDER_FLOW_QUEUES = [
  SUBSCRIPTION_QUEUES.shop.orderStatus,
  SUBSCRIPTION_QUEUES.shop.quotes,
  SUBSCRIPTION_QUEUES.shop.priceLists,
  SUBSCRIPTION_QUEUES.crm.accounts,
  SUBSCRIPTION_QUEUES.crm.orders,
  SUBSCRIPTION_QUEUES.mes.orders,
];

/** Nothing was dead-lettered in any subscription of the system (the order flow's included). */
export async function assertDlqsEmpty(sys: FabflowSystem): Promise<void> {
  const depths = await sys.dlqDepths();
  for (const q of ORDER_FLOW_QUEUES) assert.ok(q in depths, `${q} is declared`);
  assert.deepEqual(
    Object.entries(depths).filter(([, n]) => n > 0),
    [],
    `dead-lettered messages: ${JSON.stringify(depths)}`,
  );
}
