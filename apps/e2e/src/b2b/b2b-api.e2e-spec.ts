import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { randomBytes, randomUUID } from 'node:crypto';
import { uniqueName, waitFor, type HttpClient } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { registerCustomer } from '../support/journey';
import { readyQuote } from '../support/quotes';
import {
  createOrganisation,
  crmManager,
  issueKey,
  waitForKey,
  withKey,
  type IssuedKey,
} from './b2b-support';

/*
 * The B2B API across real processes: keys issued in the CRM reach the shop by events; the
 * shop's answers to bad input; idempotent POSTs; rotation and revocation; a failing webhook
 * (fed by a real order status change) disabled and its organisation's managers told.
 */
describe('B2B API (CRM keys → shop)', () => {
  let sys: FabflowSystem;
  let crm: HttpClient;
  let shop: HttpClient;
  let organisationId: string;
  let full: IssuedKey;
  let readOnly: IssuedKey;
  const WEBHOOK = { url: 'http://127.0.0.1:9/hooks', events: ['quote.completed'] };
  const counts = async () => {
    const [r] = await sys.query<{ subs: number; keys: number }>(
      'shop',
      `SELECT (SELECT count(*)::int FROM b2b_webhook_subscriptions) AS subs,
              (SELECT count(*)::int FROM idempotency_keys) AS keys`,
    );
    return r!;
  };

  before(async () => {
    sys = await FabflowSystem.start('b2bapi', {
      env: {
        RATE_LIMIT_KEY_PREFIX: uniqueName('rl'),
        RATE_LIMIT_ANONYMOUS_BURST: '30',
        TRUSTED_PROXIES: '127.0.0.1',
        WEBHOOK_ALLOW_HTTP_LOCALHOST: 'true',
        WEBHOOK_BACKOFF_BASE_MS: '200',
        WEBHOOK_BACKOFF_MAX_MS: '400',
        WEBHOOK_DISABLE_AFTER_MS: '1500',
        WEBHOOK_POLL_MS: '200',
      },
    });
    crm = await crmManager(sys);
    shop = sys.client('shop');
    organisationId = await createOrganisation(crm, 'GROWTH');
    full = await issueKey(crm, organisationId, ['read', 'webhooks:write']);
    readOnly = await issueKey(crm, organisationId, ['read']);
    await waitForKey([shop], full.key);
    await waitForKey([shop], readOnly.key);
  });

  after(() => sys?.stop());

  it('serves /me with the organisation, tier limits, quotas and the RateLimit headers', async () => {
    const me = await shop.get<Record<string, Record<string, unknown>>>('/b2b/v1/me', {
      'x-api-key': full.key,
    });
    assert.equal(me.status, 200);
    assert.equal(me.body.organisation!.id, organisationId);
    assert.equal(me.body.tier!.id, 'GROWTH');
    assert.equal(me.body.tier!.requestsPerMinute, 1200);
    assert.deepEqual(me.body.apiKey!.scopes, ['read', 'webhooks:write']);
    assert.deepEqual(Object.keys(me.body.quotas!), ['orders', 'quotes']);
    assert.equal(me.headers.get('ratelimit-policy'), '"b2b-growth";q=1200;w=60;ff-burst=40');
    assert.match(me.headers.get('ratelimit') ?? '', /^"b2b-growth";r=\d+;t=\d+$/);
    // Also on an error of a limited route.
    const notFound = await shop.get(`/b2b/v1/webhooks/${randomUUID()}`, withKey(full.key));
    assert.equal(notFound.status, 404);
    assert.match(notFound.headers.get('ratelimit') ?? '', /^"b2b-growth";r=\d+;t=\d+$/);
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const before = await counts();
    const customer = await registerCustomer(sys);
    const cases: Array<[string, Promise<{ status: number; body: unknown }>, number, RegExp]> = [
      ['no key', shop.get('/b2b/v1/me'), 401, /missing API key/],
      ['malformed key', shop.get('/b2b/v1/me', withKey('ff_live_abc')), 401, /malformed API key/],
      [
        'not our key format',
        shop.get('/b2b/v1/me', { 'x-api-key': 'sk_live_123' }),
        401,
        /starts with "ff_live_"/,
      ],
      ['a customer token', shop.get('/b2b/v1/me', withKey(customer.token)), 401, /ff_live_/],
      [
        'unknown key',
        shop.get('/b2b/v1/me', withKey(`ff_live_${'a'.repeat(10)}_${'b'.repeat(52)}`)),
        401,
        /unknown API key/,
      ],
      [
        'wrong secret of a real prefix',
        shop.get('/b2b/v1/me', withKey(`ff_live_${full.prefix}_${'b'.repeat(52)}`)),
        401,
        /unknown API key/,
      ],
      [
        'two different keys',
        shop.get('/b2b/v1/me', { ...withKey(full.key), 'x-api-key': readOnly.key }),
        401,
        /different keys/,
      ],
      [
        'wrong scope',
        shop.post(
          '/b2b/v1/webhooks',
          WEBHOOK,
          withKey(readOnly.key, { 'idempotency-key': 'k-scope' }),
        ),
        403,
        /lacks the scope "webhooks:write"/,
      ],
      [
        'oversized body',
        shop.post(
          '/b2b/v1/webhooks',
          { ...WEBHOOK, description: 'x'.repeat(70_000) },
          withKey(full.key, { 'idempotency-key': 'k-big' }),
        ),
        413,
        /over the B2B limit of 65536/,
      ],
      [
        'unknown field',
        shop.post(
          '/b2b/v1/webhooks',
          { ...WEBHOOK, secret: 'mine' },
          withKey(full.key, { 'idempotency-key': 'k-field' }),
        ),
        400,
        /unknown field\(s\): secret/,
      ],
      [
        'missing Idempotency-Key',
        shop.post('/b2b/v1/webhooks', WEBHOOK, withKey(full.key)),
        400,
        /Idempotency-Key is required/,
      ],
      [
        'overlong Idempotency-Key',
        shop.post(
          '/b2b/v1/webhooks',
          WEBHOOK,
          withKey(full.key, { 'idempotency-key': 'k'.repeat(256) }),
        ),
        400,
        /1-255 printable ASCII/,
      ],
      [
        'not https',
        shop.post(
          '/b2b/v1/webhooks',
          { ...WEBHOOK, url: 'http://hooks.example.com/x' },
          withKey(full.key, { 'idempotency-key': `k-https-${randomBytes(2).toString('hex')}` }),
        ),
        422,
        /https/,
      ],
    ];
    for (const [what, call, status, detail] of cases) {
      const res = await call;
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.match((res.body as { detail: string }).detail, detail, what);
    }
    const afterAll = await counts();
    assert.equal(afterAll.subs, before.subs, 'no subscription was written');
    // Only the 422 (a decided request) is kept, for replay under its key.
    assert.equal(afterAll.keys, before.keys + 1);
  });

  it('20 concurrent identical POSTs create exactly one subscription and get identical answers', async () => {
    const before = await counts();
    const idempotencyKey = `create-${randomUUID()}`;
    const headers = withKey(full.key, { 'idempotency-key': idempotencyKey });
    const body = {
      url: 'http://127.0.0.1:9/concurrent',
      events: ['quote.completed', 'quote.failed'],
    };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${shop.baseUrl}/b2b/v1/webhooks`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (r) => ({
          status: r.status,
          bytes: await r.text(),
          replayed: r.headers.get('idempotent-replayed'),
          location: r.headers.get('location'),
        })),
      ),
    );
    assert.deepEqual([...new Set(responses.map((r) => r.status))], [201]);
    assert.equal(new Set(responses.map((r) => r.bytes)).size, 1, 'byte-for-byte identical bodies');
    assert.equal(new Set(responses.map((r) => r.location)).size, 1);
    assert.equal(responses.filter((r) => r.replayed === 'true').length, 19);
    const after = await counts();
    assert.equal(after.subs, before.subs + 1, 'exactly one subscription');
    console.log(
      `idempotency: 20 concurrent POSTs → statuses ${[...new Set(responses.map((r) => r.status))].join(',')}, 1 distinct body, 19 replays, ${after.subs - before.subs} subscription`,
    );

    const other = await shop.post(
      '/b2b/v1/webhooks',
      { ...body, events: ['quote.failed'] },
      headers,
    );
    assert.equal(other.status, 422);
    assert.match((other.body as { detail: string }).detail, /used for another request/);
    // Another API key is another scope: the same Idempotency-Key is a new request there.
    const otherKey = await issueKey(crm, organisationId, ['read', 'webhooks:write']);
    await waitForKey([shop], otherKey.key);
    const scoped = await shop.post(
      '/b2b/v1/webhooks',
      body,
      withKey(otherKey.key, { 'idempotency-key': idempotencyKey }),
    );
    assert.equal(scoped.status, 201);
    assert.equal(scoped.headers.get('idempotent-replayed'), null);
    assert.equal((await counts()).subs, before.subs + 2);
  });

  it('keeps a rotated key working for its grace, and refuses a revoked one', async () => {
    const key = await issueKey(crm, organisationId, ['read']);
    await waitForKey([shop], key.key);
    const rotated = await crm.post(`/organisations/${organisationId}/api-keys/${key.id}/rotate`, {
      graceSeconds: 600,
    });
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
    const successor = rotated.body.key as string;
    assert.notEqual(successor, key.key);
    await waitForKey([shop], successor);
    const old = await shop.get<{ apiKey: { expiresAt: string } }>('/b2b/v1/me', withKey(key.key));
    assert.equal(old.status, 200, 'the old key works during the grace');
    await waitFor('the old key to show its expiry', async () => {
      const r = await shop.get<{ apiKey: { expiresAt: string | null } }>(
        '/b2b/v1/me',
        withKey(key.key),
      );
      return r.body.apiKey.expiresAt !== null;
    });

    const revoked = await crm.post(`/organisations/${organisationId}/api-keys/${key.id}/revoke`);
    assert.equal(revoked.status, 200);
    const refused = await waitFor(
      'the revoked key to be refused',
      async () => {
        const r = await shop.get<{ detail: string }>('/b2b/v1/me', withKey(key.key));
        return r.status === 401 ? r : undefined;
      },
      20_000,
      100,
    );
    assert.match(refused.body.detail, /revoked/);
    assert.equal((await shop.get('/b2b/v1/me', withKey(successor))).status, 200);
    const again = await crm.post(`/organisations/${organisationId}/api-keys/${key.id}/revoke`);
    assert.equal(again.status, 409);
  });

  it('limits the anonymous endpoints per client IP (through the trusted proxy), with Retry-After', async () => {
    const flood = async (
      ip: string,
      n: number,
      client: HttpClient = shop,
      path = '/auth/login',
    ) => {
      const out = [];
      for (let i = 0; i < n; i++)
        out.push(await client.post(path, {}, { 'x-forwarded-for': `6.6.6.6, ${ip}` }));
      return out;
    };
    // An invalid body is refused after the limiter has counted it: cheap to flood with.
    const started = Date.now();
    const a = await flood('203.0.113.7', 40);
    const seconds = (Date.now() - started) / 1000;
    const admitted = a.filter((r) => r.status === 400).length;
    assert.ok(
      a.slice(0, 30).every((r) => r.status === 400),
      'the burst of 30 passes',
    );
    // 600/min refills one every 100 ms while the flood runs.
    assert.ok(admitted <= 30 + Math.ceil(seconds * 10), `${admitted} admitted in ${seconds} s`);
    const limited = a.filter((r) => r.status === 429);
    assert.equal(admitted + limited.length, a.length);
    assert.ok(limited.length > 0);
    assert.equal(limited[0]!.headers.get('retry-after'), '1');
    assert.match(limited[0]!.headers.get('ratelimit') ?? '', /^"anonymous-ip";r=0;t=\d+$/);
    assert.deepEqual((limited[0]!.body as { 'violated-policies': string[] })['violated-policies'], [
      'anonymous-ip',
    ]);
    // The spoofed left-most address is not the client; another client is not limited.
    assert.equal((await flood('203.0.113.8', 1))[0]!.status, 400);
    const crmA = await flood('203.0.113.9', 40, sys.client('crm'));
    assert.ok(
      crmA.some((r) => r.status === 429),
      'the CRM login is limited the same way',
    );
  });

  describe('webhooks and the CRM', () => {
    let server: Server;
    const got: Array<{ eventId: string; path: string }> = [];
    let base: string;

    before(async () => {
      server = createServer((req, res) => {
        got.push({ eventId: String(req.headers['fabflow-event-id']), path: req.url ?? '' });
        req.resume();
        res.writeHead(req.url === '/failing' ? 500 : 204).end();
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    const subscribe = async (path: string) => {
      const res = await shop.post(
        '/b2b/v1/webhooks',
        { url: `${base}${path}`, events: ['order.status_changed'] },
        withKey(full.key, { 'idempotency-key': randomUUID() }),
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    /*
     * A real event drives the delivery: an order of the organisation (placed through the B2B
     * API from a fixture READY quote; this system runs no pricing worker) moves to
     * AWAITING_CONFIRMATION when the CRM receives it, and the shop's projection records
     * order.status_changed in its transaction. (Redelivery of a real event asked for in the
     * CRM: b2b-journey.e2e-spec.)
     */
    const placeB2bOrder = async () => {
      const ordering = await issueKey(crm, organisationId, ['read', 'orders:write']);
      await waitForKey([shop], ordering.key);
      const quoteId = await readyQuote(sys, organisationId, { channel: 'B2B' });
      const res = await shop.post(
        `/b2b/v1/quotes/${quoteId}/accept`,
        {},
        withKey(ordering.key, { 'idempotency-key': randomUUID() }),
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };

    it('disables a webhook that keeps failing and records a notification for the managers', async () => {
      const sub = await subscribe('/failing');
      await placeB2bOrder();
      const disabled = await waitFor(
        'the subscription to be disabled',
        async () => {
          const r = await shop.get<{ status: string; disabledReason: string }>(
            `/b2b/v1/webhooks/${sub}`,
            withKey(full.key),
          );
          return r.body.status === 'DISABLED' ? r.body : undefined;
        },
        30_000,
        200,
      );
      assert.match(disabled.disabledReason, /HTTP 500/);
      const attempts = got.filter((g) => g.path === '/failing');
      assert.ok(attempts.length >= 2, 'the order.status_changed delivery was retried');
      assert.equal(
        new Set(attempts.map((g) => g.eventId)).size,
        1,
        'one event id on every attempt',
      );
      const notes = await waitFor(
        'the notification in the CRM',
        async () => {
          const r = await crm.get<{
            items: Array<{ kind: string; recipients: string[]; body: string }>;
          }>(`/organisations/${organisationId}/notifications`);
          return r.body.items.length > 0 ? r.body.items : undefined;
        },
        20_000,
        200,
      );
      assert.equal(notes[0]!.kind, 'WEBHOOK_DISABLED');
      assert.deepEqual(notes[0]!.recipients, ['ops@acme.example']);
      assert.match(notes[0]!.body, new RegExp(`${base}/failing`));
      const enabled = await shop.post(
        `/b2b/v1/webhooks/${sub}/enable`,
        {},
        withKey(full.key, { 'idempotency-key': randomUUID() }),
      );
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.status, 'ACTIVE');
    });
  });
});
