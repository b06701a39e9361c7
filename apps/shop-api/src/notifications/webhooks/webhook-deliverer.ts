import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Counter } from 'prom-client';
import { WebhookSubscriptionDisabled } from '@fabflow/contracts';
import { WakeableLoop, type PassOutcome } from '@fabflow/loop';
import type { EventSink, UnitOfWork } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import type { WebhooksDatabase, WebhookTables } from './webhooks.database';
import type { SecretBox } from './webhook-crypto';
import { pinnedPost } from './target/pinned-post';
import type { WebhookTargets } from './target/webhook-targets';
import { classifyResponse, retryDelayMs, type AttemptResult } from './webhook-policy';
import { webhookHeaders } from './webhook-signature';

export interface WebhookDelivererOptions {
  /** Where a delivery may connect: every attempt checks the URL again and pins the address. */
  targets: WebhookTargets;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  disableAfterMs: number;
  pollMs: number;
  concurrency: number;
}

export interface WebhookMetrics {
  attempts: Counter<'outcome'>;
  disabled: Counter;
}

interface ClaimedDelivery {
  id: string;
  event_id: string;
  subscription_id: string;
  organisation_id: string;
  event_type: string;
  body: string;
  attempts: number;
}

/** What a receiver's answer may be read up to; the body is never used. */
const MAX_RESPONSE_BYTES = 64 * 1024;

type Tx = Transaction<WebhooksDatabase>;
type SubscriptionRow = Selectable<WebhookTables['b2b_webhook_subscriptions']>;

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return `connection error: ${cause ?? e.message}`.slice(0, 500);
}

/**
 * Sends webhook deliveries: claims due ones with `FOR UPDATE SKIP LOCKED` (several instances
 * share the work; a claim left by a dead instance is taken over when its lock expires), POSTs
 * the stored body signed with the subscription's secret(s), logs every attempt, and schedules
 * retries with exponential backoff and jitter on connection errors, timeouts, 408, 429 (its
 * Retry-After honoured) and 5xx. Any other answer fails the delivery at once. A subscription
 * whose deliveries all failed for WEBHOOK_DISABLE_AFTER_MS is disabled, and
 * `WebhookSubscriptionDisabled` (outbox, same transaction) tells the CRM.
 * Woken after writes, with polling as the safety net.
 */
export class WebhookDeliverer {
  private loop: WakeableLoop | undefined;

  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly uow: UnitOfWork<WebhooksDatabase>,
    private readonly secrets: SecretBox,
    private readonly opts: WebhookDelivererOptions,
    private readonly logger: Logger,
    private readonly metrics?: WebhookMetrics,
  ) {}

  start(): void {
    // Made at the first start, from the options (a full round runs again at once).
    this.loop ??= new WakeableLoop({
      pass: async (): Promise<PassOutcome> =>
        (await this.deliverDue()) === this.opts.concurrency ? 'more' : 'idle',
      pollIntervalMs: this.opts.pollMs,
      onBackoff: ({ error, failures, retryInMs, worthReporting }) => {
        if (worthReporting)
          this.logger.warn(
            { err: error?.message, failures, retryInMs },
            'webhook deliverer: claim failed',
          );
      },
    });
    this.loop.start();
  }

  /** Stops; resolves once the round in progress (if any) has recorded its attempts. */
  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  wake(): void {
    this.loop?.wake();
  }

  /**
   * For writes inside a transaction that has not committed yet (a handler's): look now, and
   * once more shortly after, when the commit has surely happened; polling covers the rest.
   */
  wakeSoon(): void {
    this.wake();
    setTimeout(() => this.wake(), 100).unref();
  }

  /** One round: claims up to `concurrency` due deliveries and sends them; how many. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim(this.opts.concurrency);
    if (claimed.length === 0) return 0;
    const subs = await this.db
      .selectFrom('b2b_webhook_subscriptions')
      .selectAll()
      .where('id', 'in', [...new Set(claimed.map((d) => d.subscription_id))])
      .execute();
    const byId = new Map(subs.map((s) => [s.id, s]));
    await Promise.all(
      claimed.map(async (d) => {
        try {
          await this.deliverOne(d, byId.get(d.subscription_id));
        } catch (err) {
          // Left DELIVERING: taken over when its lock expires.
          this.logger.error({ err, deliveryId: d.id }, 'webhook delivery could not be recorded');
        }
      }),
    );
    return claimed.length;
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const lockMs = this.opts.timeoutMs + 30_000;
    const r = await sql<ClaimedDelivery>`
      UPDATE b2b_webhook_deliveries d
      SET status = 'DELIVERING', attempts = d.attempts + 1,
          locked_until = now() + ${lockMs} * interval '1 millisecond'
      FROM (
        SELECT id FROM b2b_webhook_deliveries
        WHERE status IN ('PENDING', 'DELIVERING') AND next_attempt_at <= now()
          AND (status = 'PENDING' OR locked_until < now())
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) due
      WHERE d.id = due.id
      RETURNING d.id, d.event_id, d.subscription_id, d.organisation_id, d.event_type, d.body, d.attempts`.execute(
      this.db,
    );
    return r.rows;
  }

  private async deliverOne(d: ClaimedDelivery, sub: SubscriptionRow | undefined): Promise<void> {
    if (!sub || sub.status !== 'ACTIVE') {
      await this.db
        .updateTable('b2b_webhook_deliveries')
        .set({
          status: 'FAILED',
          attempts: sql`attempts - 1`,
          locked_until: null,
          last_error: `subscription ${sub?.status.toLowerCase() ?? 'missing'}`,
        })
        .where('id', '=', d.id)
        .execute();
      return;
    }
    const secrets = [this.secrets.open(sub.secret_encrypted)];
    if (
      sub.previous_secret_encrypted &&
      sub.previous_secret_expires_at &&
      sub.previous_secret_expires_at > new Date()
    )
      secrets.push(this.secrets.open(sub.previous_secret_encrypted));
    const startedAt = new Date();
    const t0 = performance.now();
    let result: AttemptResult;
    const checked = await this.opts.targets.check(sub.url);
    if (!checked.ok) {
      // The host may resolve elsewhere later (or its owner fix it): retried, never connected.
      result = { kind: 'retry', status: null, error: `target refused: ${checked.reason}` };
    } else {
      try {
        const res = await pinnedPost(
          checked.target,
          webhookHeaders(d, secrets, Math.floor(Date.now() / 1000)),
          d.body,
          { timeoutMs: this.opts.timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES },
        );
        result = classifyResponse(res.status, res.retryAfter);
      } catch (err) {
        result = { kind: 'retry', status: null, error: describeError(err, this.opts.timeoutMs) };
      }
    }
    const durationMs = Math.round(performance.now() - t0);
    await this.uow.run((tx, events) =>
      this.record(tx, events, d, sub, result, startedAt, durationMs),
    );
  }

  private async record(
    tx: Tx,
    events: EventSink,
    d: ClaimedDelivery,
    sub: SubscriptionRow,
    result: AttemptResult,
    startedAt: Date,
    durationMs: number,
  ): Promise<void> {
    const outcome =
      result.kind === 'success' ? 'SUCCEEDED' : result.kind === 'retry' ? 'RETRY' : 'FAILED';
    const error = result.kind === 'success' ? null : result.error;
    await tx
      .insertInto('b2b_webhook_attempts')
      .values({
        delivery_id: d.id,
        attempt: d.attempts,
        started_at: startedAt,
        duration_ms: durationMs,
        status_code: result.status,
        error,
        outcome,
      })
      .execute();
    this.metrics?.attempts.inc({ outcome: outcome.toLowerCase() });
    this.logger.info(
      {
        deliveryId: d.id,
        eventId: d.event_id,
        attempt: d.attempts,
        status: result.status,
        ms: durationMs,
        outcome,
        error,
      },
      'webhook delivery attempt',
    );
    const delivery = tx.updateTable('b2b_webhook_deliveries').where('id', '=', d.id);
    if (result.kind === 'success') {
      await delivery
        .set({
          status: 'SUCCEEDED',
          delivered_at: new Date(),
          locked_until: null,
          last_status_code: result.status,
          last_error: null,
        })
        .execute();
      await tx
        .updateTable('b2b_webhook_subscriptions')
        .set({ failing_since: null })
        .where('id', '=', sub.id)
        .where('failing_since', 'is not', null)
        .execute();
      return;
    }
    const retryAt =
      result.kind === 'retry'
        ? new Date(
            Date.now() +
              retryDelayMs(
                d.attempts,
                { baseMs: this.opts.backoffBaseMs, maxMs: this.opts.backoffMaxMs },
                result.retryAfterMs,
              ),
          )
        : null;
    await delivery
      .set({
        status: retryAt ? 'PENDING' : 'FAILED',
        ...(retryAt ? { next_attempt_at: retryAt } : {}),
        locked_until: null,
        last_status_code: result.status,
        last_error: error,
      })
      .execute();
    const failing = await tx
      .updateTable('b2b_webhook_subscriptions')
      .set({ failing_since: sql`coalesce(failing_since, now())` })
      .where('id', '=', sub.id)
      .returning(['failing_since', 'status'])
      .executeTakeFirstOrThrow();
    const since = failing.failing_since!;
    if (failing.status === 'ACTIVE' && Date.now() - since.getTime() >= this.opts.disableAfterMs)
      await this.disable(tx, events, sub, since, error);
  }

  private async disable(
    tx: Tx,
    events: EventSink,
    sub: SubscriptionRow,
    failingSince: Date,
    lastError: string | null,
  ): Promise<void> {
    const disabledAt = new Date();
    await tx
      .updateTable('b2b_webhook_subscriptions')
      .set({
        status: 'DISABLED',
        disabled_at: disabledAt,
        disabled_reason: `every delivery failed since ${failingSince.toISOString()} (last: ${lastError ?? 'unknown'})`,
        updated_at: disabledAt,
      })
      .where('id', '=', sub.id)
      .execute();
    await tx
      .updateTable('b2b_webhook_deliveries')
      .set({ status: 'FAILED', last_error: 'subscription disabled', locked_until: null })
      .where('subscription_id', '=', sub.id)
      .where('status', '=', 'PENDING')
      .execute();
    await events.emit(
      WebhookSubscriptionDisabled,
      {
        organisationId: sub.organisation_id,
        subscriptionId: sub.id,
        url: sub.url,
        failingSince: failingSince.toISOString(),
        disabledAt: disabledAt.toISOString(),
        lastError,
      },
      { subject: sub.id, version: 1 },
    );
    this.metrics?.disabled.inc();
    this.logger.warn(
      { subscriptionId: sub.id, organisationId: sub.organisation_id, failingSince, lastError },
      'webhook subscription disabled after failing continuously; the CRM tells its managers',
    );
  }
}
