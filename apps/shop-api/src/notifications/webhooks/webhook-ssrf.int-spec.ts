import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR, UnitOfWork } from '@fabflow/messaging';
import { createLogger } from '@fabflow/observability';
import { createTestDatabase, TestDnsServer, waitFor, type TestDatabase } from '@fabflow/testing';
import { dnsServersResolver } from './target/target-resolver';
import { WebhookTargets } from './target/webhook-targets';
import { newWebhookSecret, SecretBox } from './webhook-crypto';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookOutbox } from './webhook-outbox';
import type { WebhooksDatabase } from './webhooks.database';
import { WebhooksRepository } from './webhooks.repository';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** A receiver on 127.0.0.1 recording the Host of every request it gets. */
async function receiver(answer: Answer) {
  const hosts: string[] = [];
  const server = createServer((req, res) => {
    hosts.push(String(req.headers.host));
    req.resume();
    req.on('end', () => answer(req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    hosts,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/*
 * What a delivery connects to, with the real deliverer on the real Postgres and host names the
 * test resolves through its own DNS server (the deliverer resolves only through it): the
 * address checked is the address connected to, a name that starts resolving to a private
 * address is refused at the next attempt (DNS rebinding), redirects are not followed, and a
 * receiver cannot hold a delivery with an endless answer.
 */
describe('webhook delivery targets: pinned, re-checked, no redirects, bounded (real Postgres, real DNS and HTTP)', () => {
  let tdb: TestDatabase;
  let database: Database<WebhooksDatabase>;
  let uow: UnitOfWork<WebhooksDatabase>;
  let dns: TestDnsServer;
  let deliverer: WebhookDeliverer;
  let outbox: WebhookOutbox;
  const closers: Array<() => Promise<void>> = [];
  const box = new SecretBox('webhook-ssrf-test-key-that-is-long-enough');

  const deliver = async (url: string) => {
    const organisationId = uuidv7();
    await new WebhooksRepository(database.db).insert({
      id: uuidv7(),
      organisation_id: organisationId,
      url,
      events: ['quote.completed'],
      description: null,
      secret_encrypted: box.seal(newWebhookSecret()),
      status: 'ACTIVE',
      created_by_key_id: uuidv7(),
    });
    const { eventId } = await uow.run((tx) =>
      outbox.record(tx, {
        organisationId,
        type: 'quote.completed',
        data: { quoteId: uuidv7(), status: 'READY', totalCents: 100 },
      }),
    );
    return eventId;
  };
  const attemptsOf = (eventId: string, n: number) =>
    waitFor(
      `${n} attempt(s) of ${eventId}`,
      async () => {
        const rows = await database.db
          .selectFrom('b2b_webhook_attempts as a')
          .innerJoin('b2b_webhook_deliveries as d', 'd.id', 'a.delivery_id')
          .select(['a.outcome', 'a.status_code', 'a.error', 'd.status'])
          .where('d.event_id', '=', eventId)
          .orderBy('a.id')
          .execute();
        return rows.length >= n ? rows : undefined;
      },
      20_000,
      50,
    );

  before(async () => {
    tdb = await createTestDatabase('webhookssrf');
    database = createDatabase<WebhooksDatabase>(tdb.url);
    await migrate(
      database.pool,
      await readMigrations(
        MESSAGING_MIGRATIONS_DIR,
        join(__dirname, '..', '..', '..', 'migrations'),
      ),
    );
    uow = new UnitOfWork(database.db, { wake: () => undefined }, 'fabflow/shop');
    dns = await TestDnsServer.start();
    deliverer = new WebhookDeliverer(
      database.db,
      uow,
      box,
      {
        // Loopback allowed (the receivers are local); every other private range refused.
        targets: new WebhookTargets(dnsServersResolver([dns.address]), true),
        timeoutMs: 1500,
        backoffBaseMs: 100,
        backoffMaxMs: 200,
        disableAfterMs: 3_600_000,
        pollMs: 50,
        concurrency: 4,
      },
      createLogger({ service: 'webhook-ssrf-test', level: 'warn' }),
    );
    outbox = new WebhookOutbox(deliverer);
    deliverer.start();
  });

  after(async () => {
    await deliverer?.stop();
    await Promise.all(closers.map((c) => c()));
    await dns?.stop();
    await database?.close();
    await tdb?.drop();
  });

  it('connects to the address it checked, for a name only the test DNS knows, with the name as Host', async () => {
    const r = await receiver((_req, res) => res.writeHead(204).end());
    closers.push(r.close);
    dns.zone['hooks.pinned.test'] = ['127.0.0.1'];
    const eventId = await deliver(`http://hooks.pinned.test:${r.port}/in`);
    const [a] = await attemptsOf(eventId, 1);
    assert.equal(a!.outcome, 'SUCCEEDED', JSON.stringify(a));
    assert.deepEqual(r.hosts, [`hooks.pinned.test:${r.port}`]);
    assert.ok(dns.queries.includes('hooks.pinned.test/A'), 'resolved through the test DNS');
  });

  it('re-checks every attempt: a name rebound to a private address is refused and never connected', async () => {
    // The first request is answered 503, and the name is rebound before the retry can resolve it.
    const r = await receiver((_req, res) => {
      dns.zone['hooks.rebind.test'] = ['10.0.0.5'];
      res.writeHead(503).end();
    });
    closers.push(r.close);
    dns.zone['hooks.rebind.test'] = ['127.0.0.1'];
    const eventId = await deliver(`http://hooks.rebind.test:${r.port}/in`);
    const attempts = await attemptsOf(eventId, 3);
    assert.equal(attempts[0]!.status_code, 503, JSON.stringify(attempts));
    for (const a of attempts.slice(1)) {
      assert.equal(a.outcome, 'RETRY');
      assert.match(
        a.error ?? '',
        /target refused: .*10\.0\.0\.5 is a private network/,
        JSON.stringify(attempts),
      );
    }
    assert.equal(r.hosts.length, 1, 'the receiver was reached once, before the rebinding');
  });

  it('refuses the cloud metadata address and a name with one private address among public ones', async () => {
    dns.zone['hooks.mixed.test'] = ['93.184.216.34', '169.254.169.254'];
    const mixed = await attemptsOf(await deliver('https://hooks.mixed.test/in'), 1);
    assert.match(mixed[0]!.error ?? '', /169\.254\.169\.254 is link-local/);
    const literal = await attemptsOf(await deliver('https://169.254.169.254/latest/meta-data/'), 1);
    assert.match(literal[0]!.error ?? '', /link-local/);
  });

  it('does not follow a redirect, even to an allowed receiver', async () => {
    const target = await receiver((_req, res) => res.writeHead(204).end());
    closers.push(target.close);
    const redirecting = await receiver((_req, res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${target.port}/in` }).end(),
    );
    closers.push(redirecting.close);
    const [a] = await attemptsOf(await deliver(`http://127.0.0.1:${redirecting.port}/in`), 1);
    assert.equal(a!.outcome, 'FAILED');
    assert.match(a!.error ?? '', /redirects are not followed/);
    assert.equal(target.hosts.length, 0);
  });

  it('reads a bounded part of an endless answer and gives up on a receiver that never answers', async () => {
    const endless = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    closers.push(endless.close);
    const [ok] = await attemptsOf(await deliver(`http://127.0.0.1:${endless.port}/in`), 1);
    assert.equal(ok!.outcome, 'SUCCEEDED', 'the status is what counts; the body is cut off');

    const silent = await receiver(() => undefined);
    closers.push(silent.close);
    const [late] = await attemptsOf(await deliver(`http://127.0.0.1:${silent.port}/in`), 1);
    assert.equal(late!.outcome, 'RETRY');
    assert.match(late!.error ?? '', /timeout after 1500 ms/);
  });
});
