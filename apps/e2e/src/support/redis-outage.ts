import { performance } from 'node:perf_hooks';
import { SseRecorder, waitFor, type HttpClient } from '@fabflow/testing';
import type { FabflowSystem } from './fabflow-system';

const QUOTE_PRICED = 'fabflow.mes.quote.priced.v1';
const QUOTE_FAILED = 'fabflow.mes.quote.failed.v1';

/** What a loop of requests saw: status codes and durations, with when each started. */
export interface Sample {
  at: number;
  status: number;
  ms: number;
}

/** Runs `step` every `intervalMs` (not overlapping) until stopped; keeps every sample. */
abstract class RequestLoop {
  readonly samples: Sample[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly intervalMs: number) {}

  protected abstract step(): Promise<number>;

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        const t0 = performance.now();
        let status: number;
        try {
          status = await this.step();
        } catch {
          status = 0; // no answer at all
        }
        this.samples.push({ at, status, ms: performance.now() - t0 });
        await new Promise((r) => setTimeout(r, this.intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Samples that were not answered with one of `ok`. */
  failures(ok: number[]): Sample[] {
    return this.samples.filter((s) => !ok.includes(s.status));
  }

  /** The slowest answer (ms) among the samples taken from `from` to `to`. */
  slowest(from = 0, to = Infinity): number {
    return Math.max(0, ...this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms));
  }
}

/** Any request, by a function that makes it and returns the status. */
export class Requests extends RequestLoop {
  constructor(
    private readonly request: () => Promise<number>,
    intervalMs: number,
  ) {
    super(intervalMs);
  }

  protected step(): Promise<number> {
    return this.request();
  }

  count(status: number): number {
    return this.samples.filter((s) => s.status === status).length;
  }
}

/** A customer asking for quotes of one uploaded model, one after another (quantity 1, 2, …). */
export class QuoteRequests extends RequestLoop {
  readonly quoteIds: string[] = [];

  constructor(
    private readonly shop: HttpClient,
    private readonly fileId: string,
    intervalMs: number,
  ) {
    super(intervalMs);
  }

  protected async step(): Promise<number> {
    const res = await this.shop.post<{ quoteId: string }>('/quotes', {
      fileId: this.fileId,
      materialId: 'pla-black',
      quantity: (this.quoteIds.length % 50) + 1,
      leadTime: 'STANDARD',
      firm: false,
    });
    if (res.status === 202) this.quoteIds.push(res.body.quoteId);
    return res.status;
  }
}

/** An operator's dashboard reading the work queue and its counts (cached in Redis). */
export class DashboardReads extends RequestLoop {
  private n = 0;

  constructor(
    private readonly mes: HttpClient,
    intervalMs: number,
  ) {
    super(intervalMs);
  }

  protected async step(): Promise<number> {
    this.n++;
    const res = await this.mes.get(this.n % 2 ? '/work-orders' : '/work-orders/counts');
    return res.status;
  }
}

export interface PricingAudit {
  requested: number;
  /** Quotes with exactly one QuotePriced in the MES outbox. */
  pricedOnce: number;
  /** Quotes with more than one QuotePriced (must be none). */
  pricedTwice: string[];
  failed: string[];
  /** Runs the worker started, over all quotes (more than `requested`: some ran again). */
  attempts: number;
}

/**
 * Waits until every quote is READY in the shop, then counts what the MES emitted for them:
 * QuotePriced rows of its outbox (one per emission; a relay's re-publish is no new row), and
 * QuoteFailed ones.
 */
export async function auditPricing(
  sys: FabflowSystem,
  quoteIds: string[],
  timeoutMs: number,
): Promise<PricingAudit> {
  await waitFor(
    `${quoteIds.length} quotes READY in the shop`,
    async () => {
      const rows = await sys.query<{ n: number }>(
        'shop',
        `SELECT count(*)::int AS n FROM quotes WHERE id = ANY($1::uuid[]) AND status = 'READY'`,
        [quoteIds],
      );
      return rows[0]!.n === quoteIds.length;
    },
    timeoutMs,
    500,
  );
  const events = await sys.query<{ subject: string; type: string; n: number }>(
    'mes',
    `SELECT subject, type, count(*)::int AS n FROM outbox
      WHERE subject = ANY($1::text[]) AND type IN ($2, $3) GROUP BY subject, type`,
    [quoteIds, QUOTE_PRICED, QUOTE_FAILED],
  );
  const [{ attempts }] = (await sys.query<{ attempts: number }>(
    'mes',
    `SELECT coalesce(sum(attempts), 0)::int AS attempts FROM pricing_jobs WHERE quote_id = ANY($1::uuid[])`,
    [quoteIds],
  )) as [{ attempts: number }];
  const priced = events.filter((e) => e.type === QUOTE_PRICED);
  return {
    requested: quoteIds.length,
    pricedOnce: priced.filter((e) => e.n === 1).length,
    pricedTwice: priced.filter((e) => e.n > 1).map((e) => e.subject),
    failed: events.filter((e) => e.type === QUOTE_FAILED).map((e) => e.subject),
    attempts,
  };
}

/**
 * The dashboard's live connection as the page keeps it (apps/mes-dashboard/src/live.ts): follows
 * the work-queue stream and opens it again whenever the server ends it. Keeps the work-order
 * events and when each (re)connection was made ready.
 */
export class LiveFollower {
  readonly events: Array<{ id: string; at: number }> = [];
  readonly readyAt: number[] = [];
  private current: SseRecorder | undefined;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const live = await SseRecorder.open(this.url, { authorization: `Bearer ${this.token}` });
        this.current = live;
        let seen = 0;
        const copy = () => {
          for (const e of live.events.slice(seen)) {
            if (e.event === 'ready') this.readyAt.push(Date.now());
            if (e.event === 'work-order')
              this.events.push({ id: (JSON.parse(e.data) as { id: string }).id, at: Date.now() });
          }
          seen = live.events.length;
        };
        const timer = setInterval(copy, 20);
        await live.ended;
        clearInterval(timer);
        copy();
      } catch {
        /* the instance is not answering: try again */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Connections made ready after `t`. */
  reconnectsAfter(t: number): number {
    return this.readyAt.filter((at) => at > t).length;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.current?.close();
    await this.loop;
  }
}
