import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, uniqueName, waitFor, type HttpClient } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { registerCustomer, waitForCrmStatus } from '../support/journey';
import { uploadModel } from '../support/quotes';
import {
  createOrganisation,
  crmManager,
  issueKey,
  uploadB2bModel,
  waitForB2bQuote,
  waitForKey,
  WebhookReceiver,
  withKey,
  type IssuedKey,
} from './b2b-support';

const ALL_SCOPES = ['read', 'models:write', 'quotes:write', 'orders:write', 'webhooks:write'];
type Body = Record<string, unknown>;

/*
 * The B2B API with nothing standing in: a manager creates the organisation and its key in the
 * CRM, the client uploads through a presigned URL, the real MES and pricing worker price the
 * quote, signed webhooks from the shop's committed projections reach a receiver the test runs
 * (which fails the first three deliveries of every event), the client accepts, the manager
 * approves, and the order's status comes back as webhooks and on GET.
 */
describe('B2B journey: CRM key → model upload → real pricing → webhooks → order → approval', () => {
  let sys: FabflowSystem;
  let crm: HttpClient;
  let shop: HttpClient;
  let receiver: WebhookReceiver;
  let organisationId: string;
  let key: IssuedKey;
  let modelId: string;
  const f = pricingEngineFixtures();
  const ring = Buffer.from(f.toBinaryStl(f.torus(25, 8, 96, 48)));
  const post = (path: string, body: unknown, k = key.key, idem: string = randomUUID()) =>
    shop.post<Body>(path, body, withKey(k, { 'idempotency-key': idem }));
  const count = async (table: string, where = 'customer_id = $1', values = [organisationId]) =>
    (
      await sys.query<{ n: number }>(
        'shop',
        `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
        values,
      )
    )[0]!.n;
  const readyQuote = async (k = key.key, model = modelId) => {
    const res = await post(
      '/b2b/v1/quotes',
      { modelId: model, materialId: 'pla-black', quantity: 2 },
      k,
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const q = await waitForB2bQuote(shop, k, res.body.pollUrl as string);
    assert.equal(q.status, 'READY', JSON.stringify(q));
    return q.id as string;
  };

  before(async () => {
    sys = await FabflowSystem.start('b2bjourney', {
      pricing: true,
      env: {
        RATE_LIMIT_KEY_PREFIX: uniqueName('rl'),
        WEBHOOK_ALLOW_HTTP_LOCALHOST: 'true',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_MAX_MS: '300',
        WEBHOOK_POLL_MS: '100',
      },
    });
    crm = await crmManager(sys);
    shop = sys.client('shop');
    receiver = await WebhookReceiver.start(3);
    organisationId = await createOrganisation(crm, 'GROWTH');
    key = await issueKey(crm, organisationId, ALL_SCOPES);
    await waitForKey([shop], key.key);
    const sub = await post('/b2b/v1/webhooks', {
      url: receiver.url,
      events: ['quote.completed', 'quote.failed', 'order.status_changed'],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    receiver.secret = sub.body.secret as string;
    await waitFor(
      'pla-black on the published price list',
      async () => {
        const res = await shop.get<{ items: Array<{ id: string }> }>('/materials');
        return res.body.items.some((m) => m.id === 'pla-black');
      },
      30_000,
      250,
    );
    modelId = await uploadB2bModel(shop, key.key, ring, 'ring.stl');
  });

  after(async () => {
    await receiver?.close();
    await sys?.stop();
  });

  it('prices a quote, signs quote.completed (3 failed attempts, 1 success, one event id), orders it, and reports every status change', async () => {
    const me = await shop.get<{ tier: { maxConcurrentPricingJobs: number } }>(
      '/b2b/v1/me',
      withKey(key.key),
    );
    const requested = await post('/b2b/v1/quotes', {
      modelId,
      materialId: 'pla-black',
      quantity: 4,
    });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    const quoteId = requested.body.quoteId as string;
    assert.deepEqual(requested.body, {
      quoteId,
      status: 'CALCULATING',
      pollUrl: `/b2b/v1/quotes/${quoteId}`,
    });
    assert.equal(requested.headers.get('location'), `/b2b/v1/quotes/${quoteId}`);
    // The MES hears of a B2B quote of this organisation, with its tier's cap on pricing jobs.
    const [event] = await sys.query<{ payload: Body }>(
      'shop',
      `SELECT payload FROM outbox WHERE type = 'fabflow.shop.quote.requested.v1' AND subject = $1`,
      [quoteId],
    );
    assert.equal(event!.payload.channel, 'B2B');
    assert.equal(event!.payload.accountId, organisationId);
    assert.equal(event!.payload.customerId, organisationId);
    assert.equal(event!.payload.maxConcurrentJobs, me.body.tier.maxConcurrentPricingJobs);

    const quote = await waitForB2bQuote(shop, key.key, `/b2b/v1/quotes/${quoteId}`);
    assert.equal(quote.status, 'READY', JSON.stringify(quote));
    const price = quote.price as { totalCents: number; unitPriceCents: number; currency: string };
    assert.ok(price.totalCents > 0);
    assert.equal((quote.progress as { overall: number }).overall, 1);

    const completed = await receiver.delivered(
      'quote.completed',
      (w) => w.type === 'quote.completed' && w.body.data.quoteId === quoteId,
    );
    assert.deepEqual(
      completed.map((w) => w.answered),
      [500, 500, 500, 204],
      'three failed attempts, then one success',
    );
    assert.ok(
      completed.every((w) => w.signatureValid),
      'every attempt is signed',
    );
    assert.equal(new Set(completed.map((w) => w.eventId)).size, 1, 'one event id');
    assert.equal(new Set(completed.map((w) => w.raw)).size, 1, 'one body');
    const data = completed[0]!.body.data;
    assert.equal(completed[0]!.body.id, completed[0]!.eventId);
    assert.equal(data.status, 'READY');
    assert.deepEqual(data.price, {
      currency: price.currency,
      totalCents: price.totalCents,
      unitPriceCents: price.unitPriceCents,
    });
    assert.deepEqual(data.links, {
      quote: `/b2b/v1/quotes/${quoteId}`,
      accept: `/b2b/v1/quotes/${quoteId}/accept`,
    });

    const accepted = await post(`/b2b/v1/quotes/${quoteId}/accept`, {});
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    const orderId = accepted.body.id as string;
    assert.equal(accepted.body.status, 'PLACED');
    assert.equal(accepted.body.totalCents, price.totalCents);
    assert.equal(accepted.headers.get('location'), `/b2b/v1/orders/${orderId}`);
    // The CRM's order belongs to the organisation (an account there with the same id).
    const crmOrder = await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal(crmOrder.customerId, organisationId);
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);

    const moves = async (to: string) =>
      (
        await receiver.delivered(
          `order.status_changed → ${to}`,
          (w) =>
            w.type === 'order.status_changed' &&
            w.body.data.orderId === orderId &&
            w.body.data.to === to,
        )
      ).at(-1)!.body.data;
    const received = await moves('AWAITING_CONFIRMATION');
    const lineId = (accepted.body.lines as Array<{ lineId: string }>)[0]!.lineId;
    assert.deepEqual(received, {
      orderId,
      quoteId,
      from: 'PLACED',
      to: 'AWAITING_CONFIRMATION',
      lines: [{ lineId, lineNo: 1, quoteId, status: 'PENDING', cancellationOutcome: null }],
      at: received.at,
      links: { order: `/b2b/v1/orders/${orderId}` },
    });
    assert.ok(!Number.isNaN(Date.parse(received.at as string)));
    assert.equal((await moves('CONFIRMED')).from, 'AWAITING_CONFIRMATION');
    const order = await shop.get<Body>(`/b2b/v1/orders/${orderId}`, withKey(key.key));
    assert.equal(order.status, 200);
    assert.equal(order.body.status, 'CONFIRMED');
    assert.deepEqual(
      (order.body.history as Array<{ status: string }>).map((h) => h.status),
      ['PLACED', 'AWAITING_CONFIRMATION', 'CONFIRMED'],
    );
    const list = await shop.get<{ items: Array<{ id: string }> }>(
      '/b2b/v1/orders',
      withKey(key.key),
    );
    assert.ok(list.body.items.some((o) => o.id === orderId));

    // Exactly one delivery per event and subscription; each was answered once with success.
    const perEvent = await sys.query<{ event_id: string; n: number; status: string }>(
      'shop',
      `SELECT event_id, count(*)::int AS n, min(status) AS status FROM b2b_webhook_deliveries
       WHERE organisation_id = $1 GROUP BY event_id`,
      [organisationId],
    );
    assert.ok(perEvent.length >= 3);
    assert.ok(perEvent.every((r) => r.n === 1 && r.status === 'SUCCEEDED'));
    for (const { event_id } of perEvent)
      assert.equal(
        receiver.requests((w) => w.eventId === event_id && w.answered === 204).length,
        1,
        `event ${event_id} received once as successful`,
      );
    console.log(
      `B2B journey: quote ${quoteId} READY (${price.totalCents} ${price.currency} cents), ${perEvent.length} webhook events, each after 3 failed attempts`,
    );

    // A manager asks the CRM to redeliver the real event: it comes again with the same id.
    const eventId = completed[0]!.eventId;
    const redo = await crm.post(`/organisations/${organisationId}/webhook-redeliveries`, {
      eventIds: [eventId],
    });
    assert.equal(redo.status, 202, JSON.stringify(redo.body));
    await waitFor(
      'the redelivered quote.completed',
      () => receiver.requests((w) => w.eventId === eventId).length > completed.length,
      20_000,
    );
    assert.equal(receiver.requests((w) => w.eventId === eventId).at(-1)!.raw, completed[0]!.raw);
  });

  it('a model the engine cannot price: quote FAILED with the reason, quote.failed signed, and accepting it is a 409', async () => {
    const nan = Buffer.from(f.toBinaryStl(f.cube(20)));
    nan.writeFloatLE(Number.NaN, 84 + 12 + 4);
    const bad = await uploadB2bModel(shop, key.key, nan, 'nan.stl');
    const res = await post('/b2b/v1/quotes', {
      modelId: bad,
      materialId: 'pla-black',
      quantity: 1,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const quoteId = res.body.quoteId as string;
    const quote = await waitForB2bQuote(shop, key.key, res.body.pollUrl as string);
    assert.equal(quote.status, 'FAILED');
    const failure = quote.failure as { code: string; reason: string };
    assert.equal(failure.code, 'NON_FINITE_COORDINATE');
    const failed = await receiver.delivered(
      'quote.failed',
      (w) => w.type === 'quote.failed' && w.body.data.quoteId === quoteId,
    );
    assert.ok(failed.every((w) => w.signatureValid));
    assert.deepEqual(failed.at(-1)!.body.data, {
      quoteId,
      status: 'FAILED',
      failure,
      links: { quote: `/b2b/v1/quotes/${quoteId}` },
    });
    const orders = await count('orders');
    const accept = await post(`/b2b/v1/quotes/${quoteId}/accept`, {});
    assert.equal(accept.status, 409, JSON.stringify(accept.body));
    assert.match(accept.body.detail as string, /failed and cannot be ordered: .*NaN/);
    assert.equal(await count('orders'), orders, 'no order written');
  });

  it('20 concurrent identical POSTs: exactly one quote, then exactly one order, every answer byte-identical', async () => {
    const race = async (path: string, body: unknown) => {
      const idem = `race-${randomUUID()}`;
      return Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${shop.baseUrl}${path}`, {
            method: 'POST',
            headers: {
              ...withKey(key.key, { 'idempotency-key': idem }),
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
          }).then(async (r) => ({
            status: r.status,
            bytes: await r.text(),
            replayed: r.headers.get('idempotent-replayed'),
          })),
        ),
      );
    };
    const quotesBefore = await count('quotes');
    const quoteAnswers = await race('/b2b/v1/quotes', {
      modelId,
      materialId: 'pla-black',
      quantity: 3,
    });
    assert.deepEqual([...new Set(quoteAnswers.map((r) => r.status))], [202]);
    assert.equal(new Set(quoteAnswers.map((r) => r.bytes)).size, 1, 'identical bodies');
    assert.equal(quoteAnswers.filter((r) => r.replayed === 'true').length, 19);
    assert.equal(await count('quotes'), quotesBefore + 1, 'exactly one quote');
    const { quoteId, pollUrl } = JSON.parse(quoteAnswers[0]!.bytes) as Body;
    assert.equal((await waitForB2bQuote(shop, key.key, pollUrl as string)).status, 'READY');

    const ordersBefore = await count('orders');
    const orderAnswers = await race(`/b2b/v1/quotes/${quoteId as string}/accept`, {});
    assert.deepEqual([...new Set(orderAnswers.map((r) => r.status))], [201]);
    assert.equal(new Set(orderAnswers.map((r) => r.bytes)).size, 1, 'identical bodies');
    assert.equal(orderAnswers.filter((r) => r.replayed === 'true').length, 19);
    assert.equal(await count('orders'), ordersBefore + 1, 'exactly one order');
    console.log(
      'idempotency: 20 concurrent POST /b2b/v1/quotes → 1 quote, 20 × 202 identical; 20 concurrent accepts → 1 order, 20 × 201 identical',
    );
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const readOnly = await issueKey(crm, organisationId, ['read']);
    const otherOrg = await createOrganisation(crm, 'GROWTH');
    const other = await issueKey(crm, otherOrg, ALL_SCOPES);
    await waitForKey([shop], readOnly.key);
    await waitForKey([shop], other.key);
    const othersModel = await uploadB2bModel(shop, other.key, ring);
    const customer = await registerCustomer(sys);
    const customersFile = await uploadModel(sys.client('shop', customer.token));
    const quoteId = await readyQuote();
    const calculating = await post('/b2b/v1/quotes', {
      modelId,
      materialId: 'pla-black',
      quantity: 7,
      firm: true,
    });
    assert.equal(calculating.status, 202);

    const totals = async () => ({
      quotes: await count('quotes', 'true', []),
      orders: await count('orders', 'true', []),
      files: await count('model_files', 'true', []),
      subscriptions: await count('b2b_webhook_subscriptions', 'true', []),
    });
    const before = await totals();
    const quote = { modelId, materialId: 'pla-black', quantity: 1 };
    const cases: Array<[string, Promise<{ status: number; body: unknown }>, number, RegExp]> = [
      [
        'no key',
        shop.post('/b2b/v1/quotes', quote, { 'idempotency-key': 'x' }),
        401,
        /missing API key/,
      ],
      [
        'malformed key',
        shop.post('/b2b/v1/quotes', quote, withKey('ff_live_abc', { 'idempotency-key': 'x' })),
        401,
        /malformed API key/,
      ],
      [
        'wrong scope: quotes',
        post('/b2b/v1/quotes', quote, readOnly.key),
        403,
        /lacks the scope "quotes:write"/,
      ],
      [
        'wrong scope: models',
        post('/b2b/v1/models', { filename: 'a.stl', sizeBytes: 684 }, readOnly.key),
        403,
        /lacks the scope "models:write"/,
      ],
      [
        'wrong scope: accept',
        post(`/b2b/v1/quotes/${quoteId}/accept`, {}, readOnly.key),
        403,
        /lacks the scope "orders:write"/,
      ],
      [
        'oversized body',
        post('/b2b/v1/quotes', { ...quote, materialId: 'x'.repeat(70_000) }),
        413,
        /over the B2B limit of 65536/,
      ],
      [
        'unknown field',
        post('/b2b/v1/quotes', { ...quote, priceCents: 1 }),
        400,
        /unknown field\(s\): priceCents/,
      ],
      [
        'unknown field on accept',
        post(`/b2b/v1/quotes/${quoteId}/accept`, { discount: 50 }),
        400,
        /unknown field\(s\): discount/,
      ],
      ['not a model id', post('/b2b/v1/quotes', { ...quote, modelId: 'model-1' }), 400, /modelId/],
      [
        'missing Idempotency-Key',
        shop.post('/b2b/v1/quotes', quote, withKey(key.key)),
        400,
        /Idempotency-Key is required/,
      ],
      [
        'bad Idempotency-Key',
        shop.post('/b2b/v1/quotes', quote, withKey(key.key, { 'idempotency-key': 'has spaces' })),
        400,
        /printable ASCII/,
      ],
      [
        "another organisation's model",
        post('/b2b/v1/quotes', { ...quote, modelId: othersModel }),
        404,
        /not found/,
      ],
      [
        "a B2C customer's model",
        post('/b2b/v1/quotes', { ...quote, modelId: customersFile.id }),
        404,
        /not found/,
      ],
      [
        "another organisation's quote",
        shop.get(`/b2b/v1/quotes/${quoteId}`, withKey(other.key)),
        404,
        /not found/,
      ],
      [
        "accepting another organisation's quote",
        post(`/b2b/v1/quotes/${quoteId}/accept`, {}, other.key),
        404,
        /not found/,
      ],
      [
        "another organisation's model file",
        shop.get(`/b2b/v1/models/${modelId}`, withKey(other.key)),
        404,
        /not found/,
      ],
      [
        'a quote still calculating',
        post(`/b2b/v1/quotes/${calculating.body.quoteId as string}/accept`, {}),
        409,
        /still being calculated.*GET \/b2b\/v1\/quotes\//,
      ],
      [
        'an unknown material',
        post('/b2b/v1/quotes', { ...quote, materialId: 'gold' }),
        422,
        /unknown material "gold"/,
      ],
    ];
    for (const [what, call, status, detail] of cases) {
      const res = await call;
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.match((res.body as { detail: string }).detail, detail, what);
    }
    assert.deepEqual(await totals(), before, 'nothing written');
  });

  it('never lets anyone log in as an organisation: its account has no password and no address', async () => {
    const rows = await sys.query<{ kind: string; email: string; password_hash: string | null }>(
      'shop',
      'SELECT kind, email, password_hash FROM customers WHERE id = $1',
      [organisationId],
    );
    const row = rows[0]!;
    assert.deepEqual(row, {
      kind: 'ORGANISATION',
      email: `organisation:${organisationId}`,
      password_hash: null,
    });
    const anon = sys.client('shop');
    const login = await anon.post('/auth/login', { email: row.email, password: 'x'.repeat(12) });
    assert.equal(login.status, 400, 'not an address: refused before any lookup');
    const register = await anon.post('/auth/register', {
      email: row.email,
      password: 'x'.repeat(12),
      name: 'Impostor',
    });
    assert.equal(register.status, 400);
  });

  it("a tier's daily quotas: the quote over it is a 429 with Retry-After to UTC midnight, nothing written, and the key free for a later retry", async () => {
    const tierId = `TINY_${randomUUID().slice(0, 6).toUpperCase()}`;
    const tier = await crm.post('/tiers', {
      id: tierId,
      name: 'Tiny',
      requestsPerMinute: 600,
      burst: 50,
      dailyOrderQuota: 0,
      dailyQuoteQuota: 1,
      maxConcurrentPricingJobs: 1,
    });
    assert.equal(tier.status, 201, JSON.stringify(tier.body));
    const org = await createOrganisation(crm, tierId);
    const tiny = await issueKey(crm, org, ALL_SCOPES);
    await waitForKey([shop], tiny.key);
    const model = await uploadB2bModel(shop, tiny.key, ring);
    const quoteId = await readyQuote(tiny.key, model);
    const quotes = await count('quotes', 'customer_id = $1', [org]);

    const idem = randomUUID();
    const refused = await post(
      '/b2b/v1/quotes',
      { modelId: model, materialId: 'pla-black', quantity: 5 },
      tiny.key,
      idem,
    );
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.match(refused.body.detail as string, /daily quote quota of tier Tiny \(1 per UTC day/);
    assert.deepEqual(refused.body['violated-policies'], ['quotes-daily']);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const untilMidnight = (midnight.getTime() - Date.now()) / 1000;
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(
      Math.abs(retryAfter - untilMidnight) < 5,
      `Retry-After ${retryAfter} vs ${untilMidnight}`,
    );
    assert.equal(await count('quotes', 'customer_id = $1', [org]), quotes, 'no quote written');
    // Not stored as the key's answer: the same key tried again is decided again (still 429).
    const again = await post(
      '/b2b/v1/quotes',
      { modelId: model, materialId: 'pla-black', quantity: 5 },
      tiny.key,
      idem,
    );
    assert.equal(again.status, 429);
    assert.equal(again.headers.get('idempotent-replayed'), null);

    const orderRefused = await post(`/b2b/v1/quotes/${quoteId}/accept`, {}, tiny.key);
    assert.equal(orderRefused.status, 429, JSON.stringify(orderRefused.body));
    assert.match(
      orderRefused.body.detail as string,
      /daily order quota of tier Tiny \(0 per UTC day/,
    );
    assert.equal(await count('orders', 'customer_id = $1', [org]), 0, 'no order written');
    const q = await shop.get<Body>(`/b2b/v1/quotes/${quoteId}`, withKey(tiny.key));
    assert.equal(q.body.status, 'READY', 'the quote is still orderable');
    const me = await shop.get<{ quotas: Record<string, { used: number; remaining: number }> }>(
      '/b2b/v1/me',
      withKey(tiny.key),
    );
    assert.deepEqual(me.body.quotas.quotes, { ...me.body.quotas.quotes, used: 1, remaining: 0 });
    assert.equal(me.body.quotas.orders!.used, 0);
  });
});
