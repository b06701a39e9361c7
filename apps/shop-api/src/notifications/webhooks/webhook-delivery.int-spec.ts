import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR, UnitOfWork } from '@fabflow/messaging';
import { createLogger } from '@fabflow/observability';
import { createTestDatabase, waitFor, type TestDatabase } from '@fabflow/testing';
import { systemResolver } from './target/target-resolver';
import { WebhookTargets } from './target/webhook-targets';
import { newWebhookSecret, SecretBox } from './webhook-crypto';
import { WebhookDeliverer, type WebhookDelivererOptions } from './webhook-deliverer';
import { WebhookOutbox } from './webhook-outbox';
import { verifySignature } from './webhook-signature';
import type { WebhooksDatabase } from './webhooks.database';
import { WebhooksRepository } from './webhooks.repository';

/*
 * The delivery engine on the real Postgres (the shop's migrations) against real HTTP receivers
 * started here. Deliveries are recorded through the WebhookOutbox inside a UnitOfWork transaction,
 * exactly as the webhook channel of the shop's notifications does for quote and order changes.
 */
interface Received {
  eventId: string;
  signature: string;
  body: string;
  verified: boolean;
  verifiedWithPrevious: boolean;
  answered: number | 'dropped';
}

/** A receiver that answers request n (1-based) with `script(n)`, verifying every signature. */
async function receiver(
  secret: () => string,
  script: (n: number) => number | 'drop' | { status: number; retryAfter: string },
  previous?: string,
) {
  const got: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const signature = String(req.headers['fabflow-signature'] ?? '');
      const now = Math.floor(Date.now() / 1000);
      const answer = script(got.length + 1);
      got.push({
        eventId: String(req.headers['fabflow-event-id']),
        signature,
        body,
        verified: verifySignature(signature, secret(), body, now).ok,
        verifiedWithPrevious: previous ? verifySignature(signature, previous, body, now).ok : false,
        answered:
          answer === 'drop' ? 'dropped' : typeof answer === 'number' ? answer : answer.status,
      });
      if (answer === 'drop') req.socket.destroy();
      else if (typeof answer === 'number') res.writeHead(answer).end();
      else res.writeHead(answer.status, { 'retry-after': answer.retryAfter }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('webhook deliveries (real Postgres, real HTTP receivers)', () => {
  let tdb: TestDatabase;
  let database: Database<WebhooksDatabase>;
  let uow: UnitOfWork<WebhooksDatabase>;
  const box = new SecretBox('webhook-int-test-key-that-is-long-enough');
  const logger = createLogger({ service: 'webhook-test', level: 'warn' });
  const deliverers: WebhookDeliverer[] = [];
  const closers: Array<() => Promise<void>> = [];
  const opts: WebhookDelivererOptions = {
    // The receivers listen on 127.0.0.1: loopback allowed, as in development.
    targets: new WebhookTargets(systemResolver, true),
    timeoutMs: 3000,
    backoffBaseMs: 100,
    backoffMaxMs: 2000,
    disableAfterMs: 3_600_000,
    pollMs: 100,
    concurrency: 4,
  };
  const deliverer = (o: Partial<WebhookDelivererOptions> = {}) => {
    const d = new WebhookDeliverer(database.db, uow, box, { ...opts, ...o }, logger);
    deliverers.push(d);
    return d;
  };

  before(async () => {
    tdb = await createTestDatabase('webhooks');
    database = createDatabase<WebhooksDatabase>(tdb.url);
    // apps/shop-api/dist/notifications/webhooks → apps/shop-api/migrations
    await migrate(
      database.pool,
      await readMigrations(
        MESSAGING_MIGRATIONS_DIR,
        join(__dirname, '..', '..', '..', 'migrations'),
      ),
    );
    uow = new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/shop');
  });

  after(async () => {
    await Promise.all(deliverers.map((d) => d.stop()));
    await Promise.all(closers.map((c) => c()));
    await database?.close();
    await tdb?.drop();
  });

  const subscribe = async (url: string, secret: string, extra: Record<string, unknown> = {}) => {
    const organisationId = uuidv7();
    const sub = await new WebhooksRepository(database.db).insert({
      id: uuidv7(),
      organisation_id: organisationId,
      url,
      events: ['quote.completed', 'order.status_changed'],
      description: null,
      secret_encrypted: box.seal(secret),
      status: 'ACTIVE',
      created_by_key_id: uuidv7(),
      ...extra,
    });
    return { organisationId, subscriptionId: sub.id };
  };
  const deliveryOf = (eventId: string) =>
    database.db
      .selectFrom('b2b_webhook_deliveries')
      .selectAll()
      .where('event_id', '=', eventId)
      .executeTakeFirst();

  it('fails 3 times (500, dropped connection, 429 Retry-After 1), then delivers once, same event id, 4 attempts logged', async () => {
    const secret = newWebhookSecret();
    const r = await receiver(
      () => secret,
      (n) => (n === 1 ? 500 : n === 2 ? 'drop' : n === 3 ? { status: 429, retryAfter: '1' } : 204),
    );
    closers.push(r.close);
    const { organisationId } = await subscribe(r.url, secret);
    const d = deliverer();
    const events = new WebhookOutbox(d);

    // As a handler does: the state change and the delivery in one transaction.
    const recorded = await uow.run(async (tx) => {
      await sql`SELECT 1`.execute(tx); // (the handler's own writes would be here)
      return events.record(tx, {
        organisationId,
        type: 'quote.completed',
        data: { quoteId: uuidv7(), status: 'READY', totalCents: 12_345 },
      });
    });
    assert.equal(recorded.deliveries, 1);
    d.start();

    const done = await waitFor(
      'the delivery to succeed',
      async () => {
        const row = await deliveryOf(recorded.eventId);
        return row?.status === 'SUCCEEDED' ? row : undefined;
      },
      30_000,
      50,
    );
    assert.equal(done.attempts, 4);
    assert.deepEqual(
      r.got.map((g) => g.answered),
      [500, 'dropped', 429, 204],
    );
    assert.ok(
      r.got.every((g) => g.eventId === recorded.eventId),
      'the same event id on every attempt',
    );
    assert.ok(
      r.got.every((g) => g.verified),
      'every attempt is signed with the secret',
    );
    assert.ok(
      r.got.every((g) => g.body === r.got[0]!.body),
      'the same body bytes on every attempt',
    );
    const body = JSON.parse(r.got[0]!.body) as { id: string; type: string; createdAt: string };
    assert.equal(body.id, recorded.eventId);
    assert.equal(body.type, 'quote.completed');
    assert.equal(r.got.filter((g) => g.answered === 204).length, 1, 'accepted exactly once');

    const attempts = await database.db
      .selectFrom('b2b_webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', done.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.outcome, a.status_code]),
      [
        [1, 'RETRY', 500],
        [2, 'RETRY', null],
        [3, 'RETRY', 429],
        [4, 'SUCCEEDED', 204],
      ],
    );
    assert.match(attempts[1]!.error ?? '', /connection error/);
    assert.ok(attempts.every((a) => a.duration_ms >= 0));
    const gap = attempts[3]!.started_at.getTime() - attempts[2]!.started_at.getTime();
    assert.ok(gap >= 1000, `the 429's Retry-After: 1 was honoured (${gap} ms)`);
    console.log(
      `webhook attempts: ${attempts.map((a) => `#${a.attempt} ${a.status_code ?? a.error} ${a.duration_ms} ms`).join(' · ')}; event ${recorded.eventId}`,
    );

    // Redelivery (what the CRM's request and the B2B API do): same event id, a 5th attempt.
    assert.equal(
      await new WebhooksRepository(database.db).redeliver(organisationId, {
        eventIds: [recorded.eventId],
      }),
      1,
    );
    d.wake();
    await waitFor('the redelivery', () => r.got.length === 5, 15_000);
    assert.equal(r.got[4]!.eventId, recorded.eventId);
    await waitFor(
      'the redelivery recorded',
      async () =>
        (await deliveryOf(recorded.eventId))?.status === 'SUCCEEDED' &&
        (await deliveryOf(recorded.eventId))?.attempts === 5,
    );
  });

  it('writes no delivery when the transaction rolls back, and none for an event not subscribed', async () => {
    const { organisationId } = await subscribe('https://hooks.example.com/x', newWebhookSecret());
    const events = new WebhookOutbox({ wakeSoon: () => undefined });
    let eventId = '';
    await assert.rejects(
      uow.run(async (tx) => {
        eventId = (await events.record(tx, { organisationId, type: 'quote.completed', data: {} }))
          .eventId;
        throw new Error('the handler failed after recording');
      }),
      /handler failed/,
    );
    assert.equal(await deliveryOf(eventId), undefined);
    const other = await uow.run((tx) =>
      events.record(tx, { organisationId, type: 'quote.failed', data: {} }),
    );
    assert.equal(other.deliveries, 0);
  });

  it('two deliverers (instances) share the queue: each event reaches the receiver exactly once', async () => {
    const secret = newWebhookSecret();
    const previous = newWebhookSecret();
    const r = await receiver(
      () => secret,
      () => 200,
      previous,
    );
    closers.push(r.close);
    // A rotated secret still in its overlap: both sign.
    const { organisationId } = await subscribe(r.url, secret, {
      previous_secret_encrypted: box.seal(previous),
      previous_secret_expires_at: new Date(Date.now() + 3_600_000),
    });
    const [a, b] = [deliverer({ concurrency: 3 }), deliverer({ concurrency: 3 })];
    const ids = await uow.run(async (tx) => {
      const events = new WebhookOutbox({ wakeSoon: () => undefined });
      const out: string[] = [];
      for (let i = 0; i < 30; i++)
        out.push(
          (await events.record(tx, { organisationId, type: 'order.status_changed', data: { i } }))
            .eventId,
        );
      return out;
    });
    a.start();
    b.start();
    await waitFor('30 deliveries', () => r.got.length >= 30, 30_000);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(r.got.length, 30);
    assert.deepEqual([...new Set(r.got.map((g) => g.eventId))].sort(), [...ids].sort());
    assert.ok(
      r.got.every((g) => g.verified && g.verifiedWithPrevious),
      'both secrets sign',
    );
    assert.ok(r.got.every((g) => g.signature.split(',v1=').length === 3));
  });

  it('disables a subscription that keeps failing, fails its deliveries and emits WebhookSubscriptionDisabled', async () => {
    const secret = newWebhookSecret();
    const r = await receiver(
      () => secret,
      () => 503,
    );
    closers.push(r.close);
    const { organisationId, subscriptionId } = await subscribe(r.url, secret);
    const d = deliverer({ disableAfterMs: 1000, backoffBaseMs: 100, backoffMaxMs: 300 });
    const events = new WebhookOutbox(d);
    const { eventId } = await uow.run((tx) =>
      events.record(tx, { organisationId, type: 'quote.completed', data: {} }),
    );
    d.start();
    const sub = await waitFor(
      'the subscription to be disabled',
      async () => {
        const s = await database.db
          .selectFrom('b2b_webhook_subscriptions')
          .selectAll()
          .where('id', '=', subscriptionId)
          .executeTakeFirst();
        return s?.status === 'DISABLED' ? s : undefined;
      },
      30_000,
      100,
    );
    assert.match(sub.disabled_reason ?? '', /every delivery failed since .* HTTP 503/);
    assert.equal((await deliveryOf(eventId))?.status, 'FAILED');
    const outbox = await database.db
      .selectFrom('outbox')
      .select(['type', 'subject', 'payload'])
      .where('type', '=', 'fabflow.shop.webhook.subscription_disabled.v1')
      .where('subject', '=', subscriptionId)
      .execute();
    assert.equal(outbox.length, 1);
    assert.equal((outbox[0]!.payload as { organisationId: string }).organisationId, organisationId);
    const count = r.got.length;
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(r.got.length, count, 'nothing more is sent to a disabled subscription');
  });
});
