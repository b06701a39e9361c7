import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { generateApiKey } from '@fabflow/auth';
import {
  AcceptQuoteRequest,
  ApiKeyIssued,
  B2bCreateQuoteRequest,
  B2bModelTicket,
  B2bPlaceOrderRequest,
  B2bQuoteAccepted,
  CreateUploadRequest,
  ModelFileView,
  OrderApprovedV2,
  OrderCancelledByCustomer,
  OrderPlacedV2,
  OrderReceived,
  OrganisationChanged,
  PriceListPublished,
  QuoteFailed,
  QuotePriced,
  QuoteRequested,
  QuoteReviewed,
  QuoteView,
  ShopCancelOrderRequest,
  ShopOrderList,
  ShopOrderView,
  WorkOrderStatusChangedV2,
  type EventData,
  type EventDefinition,
} from '@fabflow/contracts';
import { declareExchange, envelopeHeaders, newEnvelope, publishOptions } from '@fabflow/messaging';
import { EmbeddedS3Server } from '@fabflow/storage';
import {
  binaryStlCube,
  IsolatedService,
  REPO_ROOT,
  TestDnsServer,
  waitFor,
  type HttpClient,
} from '@fabflow/testing';
import { webhookEventId } from '../../notifications/webhooks/webhook-events';

const credentials = { accessKeyId: 'b2b-test-key', secretAccessKey: 'b2b-test-secret' };
const TIER = {
  tierId: 'GROWTH',
  name: 'Growth',
  requestsPerMinute: 6000,
  burst: 500,
  dailyOrderQuota: 1000,
  dailyQuoteQuota: 5000,
  maxConcurrentPricingJobs: 3,
  version: 1,
};
const PRICE = {
  currency: 'EUR',
  materialCents: 480,
  supportCents: 60,
  machineTimeCents: 900,
  setupCents: 500,
  postProcessingCents: 300,
  subtotalCents: 2240,
  quantityDiscountCents: 0,
  leadTimeAdjustmentCents: 0,
  minimumPriceAdjustmentCents: 0,
  totalCents: 2240,
  unitPriceCents: 1120,
};

/*
 * The shop's B2B part 2 against the real broker, Postgres, Redis and S3: the test plays the CRM
 * (organisations, keys, order status) and the MES (prices), publishing their events exactly as
 * their relays would, and checks what the shop commits: the organisation's account, B2B quotes
 * and orders owned by it, and one webhook event per source event however often it arrives.
 */
describe('shop B2B API: organisation accounts, B2B quotes and orders, webhooks from projections (real shop, RabbitMQ, Redis, S3)', () => {
  let dir: string;
  let s3: EmbeddedS3Server;
  let dns: TestDnsServer;
  let shop: IsolatedService;
  let conn: ChannelModel;
  let ch: ConfirmChannel;
  const published: ConsumeMessage[] = [];
  const organisationId = randomUUID();
  const key = generateApiKey();
  let api: HttpClient;
  let modelId: string;

  const publish = async <E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    opts: { subject: string; version: number; id?: string },
  ): Promise<string> => {
    const parsed: unknown = def.schema.parse(data);
    const e = newEnvelope({
      type: def.type,
      source: `fabflow/${def.exchange.split('.')[0]!}`,
      subject: opts.subject,
      version: opts.version,
      data: parsed,
      ...(opts.id ? { id: opts.id } : {}),
    });
    ch.publish(def.exchange, def.routingKey, Buffer.from(JSON.stringify(parsed)), {
      ...publishOptions(envelopeHeaders(e)),
    });
    await ch.waitForConfirms();
    return e.id;
  };
  /** Waits until the shop has handled (or deduplicated) the message: its inbox row exists. */
  const handled = (messageId: string) =>
    waitFor(`message ${messageId} handled`, async () => {
      const rows = await shop.query('SELECT 1 FROM inbox WHERE message_id = $1', [messageId]);
      return rows.length >= 1;
    });
  const organisation = (name: string) => ({
    organisationId,
    name,
    status: 'ACTIVE' as const,
    tier: TIER,
  });
  const post = (path: string, body: unknown) =>
    api.post<Record<string, unknown>>(path, body, { 'idempotency-key': randomUUID() });
  const deliveries = (where: string, values: unknown[]) =>
    shop.query<{ event_id: string; event_type: string; body: string }>(
      `SELECT event_id, event_type, body FROM b2b_webhook_deliveries WHERE ${where} ORDER BY created_at`,
      values,
    );
  const sent = (type: string, subject: string) =>
    waitFor(`${type} for ${subject}`, () =>
      published.find(
        (m) =>
          m.properties.headers?.['ce-type'] === type &&
          m.properties.headers['ce-subject'] === subject,
      ),
    );
  const newQuote = async (quantity: number) => {
    const res = await post('/b2b/v1/quotes', { modelId, materialId: 'pla-black', quantity });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.quoteId as string;
  };
  const priced = (quoteId: string, quantity: number): EventData<typeof QuotePriced> => ({
    quoteId,
    status: 'READY',
    mode: 'INDICATIVE',
    price: PRICE,
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
    reviewReasons: [],
    priceListVersion: '2026-12-01',
    engineVersion: 'test-engine',
    validUntil: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    pricedAt: new Date().toISOString(),
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-b2b-s3-'));
    s3 = await EmbeddedS3Server.start({ dir, credentials });
    dns = await TestDnsServer.start();
    shop = await IsolatedService.start('shop-api', 'shopb2b', {
      WEBHOOK_DNS_SERVERS: dns.address,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      WEBHOOK_ALLOW_HTTP_LOCALHOST: 'true',
      WEBHOOK_POLL_MS: '60000',
    });
    conn = await amqp.connect(shop.vhost.url);
    ch = await conn.createConfirmChannel();
    for (const x of ['shop.events', 'mes.events', 'crm.events']) await declareExchange(ch, x);
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, 'shop.events', '#');
    await ch.consume(queue, (m) => m && published.push(m), { noAck: true });

    await handled(
      await publish(OrganisationChanged, organisation('Acme'), {
        subject: organisationId,
        version: 1,
      }),
    );
    await handled(
      await publish(
        ApiKeyIssued,
        {
          keyId: randomUUID(),
          organisationId,
          prefix: key.prefix,
          secretHash: key.secretHash,
          scopes: ['read', 'models:write', 'quotes:write', 'orders:write', 'webhooks:write'],
          status: 'ACTIVE',
          expiresAt: null,
          createdAt: new Date().toISOString(),
          rotatedFrom: null,
        },
        { subject: key.prefix, version: 1 },
      ),
    );
    await handled(
      await publish(
        PriceListPublished,
        {
          priceListVersion: '2026-12-01',
          currency: 'EUR',
          materials: [{ id: 'pla-black', name: 'PLA, black', technology: 'FDM' }],
          leadTimes: [{ tier: 'STANDARD', businessDays: 5 }],
          publishedAt: new Date().toISOString(),
        },
        { subject: '2026-12-01', version: 1 },
      ),
    );
    api = shop.client(key.key);
    await waitFor('the key to work', async () => (await api.get('/b2b/v1/me')).status === 200);
    // Deliveries are only counted here: the deliverer polls once a minute and the URL is dead.
    const sub = await post('/b2b/v1/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['quote.completed', 'quote.failed', 'order.status_changed'],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const file = binaryStlCube(20);
    const t = await post('/b2b/v1/models', { filename: 'cube.stl', sizeBytes: file.length });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const put = await fetch(t.body.uploadUrl as string, {
      method: 'PUT',
      headers: t.body.headers as Record<string, string>,
      body: file,
    });
    assert.equal(put.status, 200);
    const done = await post(t.body.completeUrl as string, undefined);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    modelId = t.body.modelId as string;
  });

  after(async () => {
    await dns?.stop();
    await conn?.close().catch(() => undefined);
    await shop?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("projects the organisation as an ORGANISATION account (newer versions only) that no person's login ever finds", async () => {
    const account = async () =>
      (
        await shop.query<{ kind: string; name: string; email: string; password_hash: null }>(
          'SELECT kind, name, email, password_hash FROM customers WHERE id = $1',
          [organisationId],
        )
      )[0];
    assert.deepEqual(await account(), {
      kind: 'ORGANISATION',
      name: 'Acme',
      email: `organisation:${organisationId}`,
      password_hash: null,
    });
    await handled(
      await publish(OrganisationChanged, organisation('Acme Robotics'), {
        subject: organisationId,
        version: 3,
      }),
    );
    await handled(
      await publish(OrganisationChanged, organisation('Stale name'), {
        subject: organisationId,
        version: 2,
      }),
    );
    assert.equal((await account())!.name, 'Acme Robotics', 'a stale version renames nothing');
    // Even an organisation row that had a real address could not be logged in with: login
    // only looks at PERSON rows (and an ORGANISATION row can have no password: CHECK).
    const email = `acme-${randomBytes(3).toString('hex')}@example.com`;
    await shop.query('UPDATE customers SET email = $2 WHERE id = $1', [organisationId, email]);
    try {
      const login = await shop.client().post('/auth/login', { email, password: 'a-long-password' });
      assert.equal(login.status, 401, JSON.stringify(login.body));
      await assert.rejects(
        shop.query("UPDATE customers SET password_hash = 'x' WHERE id = $1", [organisationId]),
        /customers_password_check/,
      );
    } finally {
      await shop.query('UPDATE customers SET email = $2 WHERE id = $1', [
        organisationId,
        `organisation:${organisationId}`,
      ]);
    }
  });

  it('a B2B quote asks the MES as B2B with the tier cap; QuotePriced twice and a stale repeat record one quote.completed', async () => {
    const quoteId = await newQuote(2);
    const requested = await sent(QuoteRequested.type, quoteId);
    const data = JSON.parse(requested.content.toString()) as EventData<typeof QuoteRequested>;
    assert.equal(data.channel, 'B2B');
    assert.equal(data.accountId, organisationId);
    assert.equal(data.customerId, organisationId);
    assert.equal(data.maxConcurrentJobs, TIER.maxConcurrentPricingJobs);
    const [row] = await shop.query<{ channel: string; idempotency_key: string }>(
      'SELECT channel, idempotency_key FROM quotes WHERE id = $1',
      [quoteId],
    );
    assert.equal(row!.channel, 'B2B');
    assert.match(row!.idempotency_key, /^[0-9a-f-]{36}:[0-9a-f-]{36}$/, 'scoped to the API key');

    const first = await publish(QuotePriced, priced(quoteId, 2), { subject: quoteId, version: 2 });
    await publish(QuotePriced, priced(quoteId, 2), { subject: quoteId, version: 2, id: first });
    const stale = await publish(QuotePriced, priced(quoteId, 2), { subject: quoteId, version: 2 });
    await handled(first);
    await handled(stale);
    const rows = await deliveries(
      "event_type = 'quote.completed' AND body::jsonb->'data'->>'quoteId' = $1",
      [quoteId],
    );
    assert.equal(rows.length, 1, 'one event for one price');
    assert.equal(rows[0]!.event_id, webhookEventId(first, 'quote.completed'));
    const body = JSON.parse(rows[0]!.body) as { id: string; data: Record<string, unknown> };
    assert.equal(body.id, rows[0]!.event_id);
    assert.equal(body.data.status, 'READY');
    assert.deepEqual(body.data.price, { currency: 'EUR', totalCents: 2240, unitPriceCents: 1120 });
    assert.equal((await api.get(`/b2b/v1/quotes/${quoteId}`)).body.status, 'READY');
  });

  it('QuoteFailed records quote.failed with the reason; a B2C quote records nothing', async () => {
    const quoteId = await newQuote(3);
    await sent(QuoteRequested.type, quoteId);
    const failure = {
      quoteId,
      code: 'TRUNCATED',
      reason: 'the file was cut off; export it again and upload it',
      failedAt: new Date().toISOString(),
    };
    const id = await publish(QuoteFailed, failure, { subject: quoteId, version: 2 });
    await handled(id);
    const rows = await deliveries(
      "event_type = 'quote.failed' AND body::jsonb->'data'->>'quoteId' = $1",
      [quoteId],
    );
    assert.equal(rows.length, 1);
    assert.deepEqual((JSON.parse(rows[0]!.body) as { data: unknown }).data, {
      quoteId,
      status: 'FAILED',
      failure: { code: 'TRUNCATED', reason: failure.reason },
      links: { quote: `/b2b/v1/quotes/${quoteId}` },
    });
    const total = (
      await shop.query<{ n: number }>('SELECT count(*)::int AS n FROM b2b_webhook_deliveries')
    )[0]!.n;
    // A person's quote of the same model bytes, priced: no webhook (B2C has none).
    const email = `p-${randomBytes(3).toString('hex')}@example.com`;
    const anon = shop.client();
    await anon.post('/auth/register', { email, password: 'a-long-password', name: 'P' });
    const login = await anon.post('/auth/login', { email, password: 'a-long-password' });
    const person = shop.client(login.body.accessToken as string);
    const file = binaryStlCube(20);
    const t = await person.post('/uploads', { filename: 'cube.stl', sizeBytes: file.length });
    await fetch(t.body.uploadUrl as string, {
      method: 'PUT',
      headers: t.body.headers as Record<string, string>,
      body: file,
    });
    await person.post(`/uploads/${t.body.fileId as string}/complete`);
    const q = await person.post('/quotes', {
      fileId: t.body.fileId,
      materialId: 'pla-black',
      quantity: 1,
    });
    assert.equal(q.status, 202, JSON.stringify(q.body));
    const b2cQuote = q.body.quoteId as string;
    await handled(
      await publish(QuotePriced, priced(b2cQuote, 1), { subject: b2cQuote, version: 2 }),
    );
    assert.equal(
      (await shop.query<{ n: number }>('SELECT count(*)::int AS n FROM b2b_webhook_deliveries'))[0]!
        .n,
      total,
    );
  });

  it("accepting places the organisation's order; each CRM status move records one order.status_changed, duplicates and stale events none", async () => {
    const quoteId = await newQuote(4);
    await handled(await publish(QuotePriced, priced(quoteId, 4), { subject: quoteId, version: 2 }));
    const accepted = await post(`/b2b/v1/quotes/${quoteId}/accept`, undefined);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    const orderId = accepted.body.id as string;
    const placed = JSON.parse(
      (await sent(OrderPlacedV2.type, orderId)).content.toString(),
    ) as EventData<typeof OrderPlacedV2>;
    assert.equal(placed.customerId, organisationId);
    assert.equal(placed.channel, 'B2B');
    assert.deepEqual(
      placed.lines.map((l) => [l.lineNo, l.quoteId, l.quantity, l.totalCents]),
      [[1, quoteId, 4, 2240]],
    );

    const received = await publish(
      OrderReceived,
      { orderId, status: 'AWAITING_CONFIRMATION' },
      { subject: orderId, version: 1 },
    );
    await publish(
      OrderReceived,
      { orderId, status: 'AWAITING_CONFIRMATION' },
      { subject: orderId, version: 1, id: received },
    );
    const approved = await publish(
      OrderApprovedV2,
      {
        orderId,
        customerId: organisationId,
        channel: 'B2B',
        lines: placed.lines,
        approvedBy: randomUUID(),
        dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        priority: 'NORMAL',
      },
      { subject: orderId, version: 2 },
    );
    const late = await publish(
      OrderReceived,
      { orderId, status: 'AWAITING_CONFIRMATION' },
      { subject: orderId, version: 1 },
    );
    for (const id of [received, approved, late]) await handled(id);
    const rows = await deliveries(
      "event_type = 'order.status_changed' AND body::jsonb->'data'->>'orderId' = $1",
      [orderId],
    );
    assert.deepEqual(
      rows.map((r) => {
        const d = (
          JSON.parse(r.body) as {
            data: { from: string; to: string; quoteId: string; lines: Array<{ status: string }> };
          }
        ).data;
        return [r.event_id, d.from, d.to, d.quoteId, d.lines.map((l) => l.status)];
      }),
      [
        [
          webhookEventId(received, 'order.status_changed'),
          'PLACED',
          'AWAITING_CONFIRMATION',
          quoteId,
          ['PENDING'],
        ],
        [
          webhookEventId(approved, 'order.status_changed'),
          'AWAITING_CONFIRMATION',
          'CONFIRMED',
          quoteId,
          ['PENDING'],
        ],
      ],
    );
    const order = await api.get(`/b2b/v1/orders/${orderId}`);
    assert.equal(order.body.status, 'CONFIRMED');
  });

  it('refuses webhook targets on private addresses, as the DNS the test controls resolves them, and writes nothing', async () => {
    dns.zone['hooks.acme.example'] = ['93.184.216.34'];
    dns.zone['intranet.acme.example'] = ['10.0.0.5'];
    dns.zone['split.acme.example'] = ['93.184.216.34', 'fd00:ec2::254'];
    dns.zone['meta.acme.example'] = ['169.254.169.254'];
    const before = await shop.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM b2b_webhook_subscriptions',
    );
    for (const [url, why] of [
      ['https://10.0.0.5/hooks', /10\.0\.0\.5 is a private network/],
      ['https://169.254.169.254/latest/meta-data/', /link-local \(cloud metadata\)/],
      ['https://intranet.acme.example/hooks', /intranet\.acme\.example resolves to 10\.0\.0\.5/],
      ['https://split.acme.example/hooks', /fd00:ec2::254 is unique-local/],
      ['https://meta.acme.example/hooks', /169\.254\.169\.254/],
      ['https://nxdomain.acme.example/hooks', /does not resolve/],
    ] as const) {
      const res = await post('/b2b/v1/webhooks', { url, events: ['quote.completed'] });
      assert.equal(res.status, 422, `${url}: ${JSON.stringify(res.body)}`);
      assert.match(String(res.body.detail), why, url);
    }
    const after = await shop.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM b2b_webhook_subscriptions',
    );
    assert.equal(after[0]!.n, before[0]!.n, 'nothing written');
    const ok = await post('/b2b/v1/webhooks', {
      url: 'https://hooks.acme.example/fabflow',
      events: ['quote.completed'],
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.ok(dns.queries.includes('intranet.acme.example/A'), 'resolved by the test DNS');
    // The organisation's other tests count its deliveries: this subscription goes again.
    const removed = await api.request(
      'DELETE',
      `/b2b/v1/webhooks/${String(ok.body.id)}`,
      undefined,
      {
        'idempotency-key': randomUUID(),
      },
    );
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
  });

  const readyQuote = async (quantity: number) => {
    const quoteId = await newQuote(quantity);
    await handled(
      await publish(QuotePriced, priced(quoteId, quantity), { subject: quoteId, version: 2 }),
    );
    return quoteId;
  };
  const ordersUsed = async () =>
    ((await api.get('/b2b/v1/me')).body as { quotas: { orders: { used: number } } }).quotas.orders
      .used;
  const statusChanges = async (orderId: string) =>
    (
      await deliveries(
        "event_type = 'order.status_changed' AND body::jsonb->'data'->>'orderId' = $1",
        [orderId],
      )
    ).map((r) => {
      const d = (
        JSON.parse(r.body) as {
          data: {
            from: string;
            to: string;
            quoteId: string | null;
            lines: Array<{ lineNo: number; status: string; cancellationOutcome: string | null }>;
          };
        }
      ).data;
      return [d.from, d.to, d.quoteId, d.lines.map((l) => `${l.lineNo}:${l.status}`)];
    });

  it('places a multi-line order in one request: its lines, OrderPlaced v2 as B2B, one unit of the daily order quota; 51 lines or a quote twice are a 422 and write nothing', async () => {
    const q1 = await readyQuote(2);
    const q2 = await readyQuote(5);
    const used = await ordersUsed();
    const orders = 'SELECT count(*)::int AS n FROM orders WHERE customer_id = $1';
    const before = (await shop.query<{ n: number }>(orders, [organisationId]))[0]!.n;
    const tooMany = await post('/b2b/v1/orders', {
      lines: Array.from({ length: 51 }, () => ({ quoteId: randomUUID() })),
    });
    assert.equal(tooMany.status, 422, JSON.stringify(tooMany.body));
    assert.match(
      tooMany.body.detail as string,
      /^an order has at most 50 lines \(51 given\): split it into several orders$/,
    );
    const twice = await post('/b2b/v1/orders', { lines: [{ quoteId: q1 }, { quoteId: q1 }] });
    assert.equal(twice.status, 422, JSON.stringify(twice.body));
    assert.match(twice.body.detail as string, new RegExp(`^quote ${q1} is named twice`));
    const notOurs = randomUUID();
    const unknown = await post('/b2b/v1/orders', {
      lines: [{ quoteId: q1 }, { quoteId: notOurs }],
    });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.match(unknown.body.detail as string, new RegExp(`^quote ${notOurs} not found$`));
    assert.equal((await shop.query<{ n: number }>(orders, [organisationId]))[0]!.n, before);
    assert.equal(await ordersUsed(), used, 'a refused order takes no quota');

    const placed = await post('/b2b/v1/orders', { lines: [{ quoteId: q1 }, { quoteId: q2 }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const order = placed.body as z.infer<typeof ShopOrderView>;
    assert.equal(placed.headers.get('location'), `/b2b/v1/orders/${order.id}`);
    assert.deepEqual(
      [
        order.channel,
        order.lines.map((l) => [l.lineNo, l.quoteId, l.quantity, l.status]),
        order.totalCents,
      ],
      [
        'B2B',
        [
          [1, q1, 2, 'PENDING'],
          [2, q2, 5, 'PENDING'],
        ],
        4480,
      ],
    );
    const event = JSON.parse(
      (await sent(OrderPlacedV2.type, order.id)).content.toString(),
    ) as EventData<typeof OrderPlacedV2>;
    assert.deepEqual(
      [event.customerId, event.channel, event.lines.map((l) => l.lineId), event.totalCents],
      [organisationId, 'B2B', order.lines.map((l) => l.lineId), 4480],
    );
    assert.equal(await ordersUsed(), used + 1, 'one order, one unit of the quota');
    for (const q of [q1, q2])
      assert.equal((await api.get(`/b2b/v1/quotes/${q}`)).body.status, 'ACCEPTED');
  });

  it('tells every step of an order with its lines (order.status_changed as lines ship one by one) and cancels an order before production, releasing its quote', async () => {
    const [q1, q2, q3, q4] = [
      await readyQuote(1),
      await readyQuote(1),
      await readyQuote(1),
      await readyQuote(1),
    ];
    const shipped = (
      await post('/b2b/v1/orders', {
        lines: [{ quoteId: q1 }, { quoteId: q2 }, { quoteId: q3 }],
      })
    ).body as z.infer<typeof ShopOrderView>;
    const step = (
      lineNo: number,
      orderStatus: 'PARTIALLY_SHIPPED' | 'SHIPPED',
      version: number,
    ) => ({
      workOrderId: randomUUID(),
      orderId: shipped.id,
      lineId: shipped.lines[lineNo - 1]!.lineId,
      from: 'PACKED' as const,
      to: 'SHIPPED' as const,
      lineStatus: 'SHIPPED' as const,
      lineVersion: 6,
      orderStatus,
      orderVersion: version,
      changedBy: randomUUID(),
      holdReason: null,
    });
    for (const [lineNo, status, version] of [
      [1, 'PARTIALLY_SHIPPED', 6],
      [2, 'PARTIALLY_SHIPPED', 7],
      [3, 'SHIPPED', 8],
    ] as const) {
      const e = step(lineNo, status, version);
      await handled(
        await publish(WorkOrderStatusChangedV2, e, { subject: e.workOrderId, version: 6 }),
      );
    }
    assert.deepEqual(await statusChanges(shipped.id), [
      ['PLACED', 'PARTIALLY_SHIPPED', null, ['1:SHIPPED', '2:PENDING', '3:PENDING']],
      // Only a line moved: the order stays PARTIALLY_SHIPPED, the client still hears of it.
      ['PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED', null, ['1:SHIPPED', '2:SHIPPED', '3:PENDING']],
      ['PARTIALLY_SHIPPED', 'SHIPPED', null, ['1:SHIPPED', '2:SHIPPED', '3:SHIPPED']],
    ]);
    const late = await post(`/b2b/v1/orders/${shipped.id}/cancel`, {});
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.match(
      late.body.detail as string,
      /production has started on line 1 \(SHIPPED\), line 2 \(SHIPPED\), line 3 \(SHIPPED\)/,
    );

    const single = (await post(`/b2b/v1/quotes/${q4}/accept`, undefined)).body as z.infer<
      typeof ShopOrderView
    >;
    const cancelled = await post(`/b2b/v1/orders/${single.id}/cancel`, {
      reason: 'the assembly was redesigned',
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.deepEqual(
      [cancelled.body.status, (cancelled.body as z.infer<typeof ShopOrderView>).cancellation?.by],
      ['CANCELLED', 'CUSTOMER'],
    );
    assert.deepEqual(await statusChanges(single.id), [
      ['PLACED', 'CANCELLED', q4, ['1:CANCELLED']],
    ]);
    assert.equal((await api.get(`/b2b/v1/quotes/${q4}`)).body.status, 'READY', 'released');
    assert.ok(await sent(OrderCancelledByCustomer.type, single.id));
  });

  it('tells a B2B client of a review: quote.completed READY with the reviewed price, or quote.failed with the reason, one webhook per review event', async () => {
    const inReview = async () => {
      const quoteId = await newQuote(2);
      await handled(
        await publish(
          QuotePriced,
          { ...priced(quoteId, 2), status: 'NEEDS_REVIEW' },
          { subject: quoteId, version: 2 },
        ),
      );
      return quoteId;
    };
    const review = (quoteId: string, approved: boolean): EventData<typeof QuoteReviewed> => ({
      quoteId,
      customerId: organisationId,
      decision: approved ? 'APPROVED' : 'REJECTED',
      reviewedBy: randomUUID(),
      reason: approved ? null : 'the part is larger than any of our machines: split it into two',
      price: approved ? PRICE : null,
      leadTime: null,
      validUntil: approved ? new Date(Date.now() + 20 * 86_400_000).toISOString() : null,
      reviewedAt: new Date().toISOString(),
    });
    const approvedId = await inReview();
    const approval = await publish(QuoteReviewed, review(approvedId, true), {
      subject: approvedId,
      version: 2,
    });
    await publish(QuoteReviewed, review(approvedId, true), {
      subject: approvedId,
      version: 2,
      id: approval,
    });
    await handled(approval);
    const completed = await deliveries(
      "event_type = 'quote.completed' AND body::jsonb->'data'->>'quoteId' = $1",
      [approvedId],
    );
    assert.deepEqual(
      completed.map((r) => {
        const d = (
          JSON.parse(r.body) as { data: { status: string; priceSource: string; priceMode: string } }
        ).data;
        return [d.status, d.priceSource, d.priceMode];
      }),
      [
        ['NEEDS_REVIEW', 'ENGINE', 'INDICATIVE'],
        ['READY', 'REVIEWED', 'FIRM'],
      ],
    );
    assert.equal(completed[1]!.event_id, webhookEventId(approval, 'quote.completed'));

    const rejectedId = await inReview();
    const rejection = await publish(QuoteReviewed, review(rejectedId, false), {
      subject: rejectedId,
      version: 2,
    });
    await handled(rejection);
    const failed = await deliveries(
      "event_type = 'quote.failed' AND body::jsonb->'data'->>'quoteId' = $1",
      [rejectedId],
    );
    assert.deepEqual(
      failed.map((r) => [
        r.event_id,
        (JSON.parse(r.body) as { data: { failure: unknown } }).data.failure,
      ]),
      [
        [
          webhookEventId(rejection, 'quote.failed'),
          {
            code: 'REJECTED_IN_REVIEW',
            reason: 'the part is larger than any of our machines: split it into two',
          },
        ],
      ],
    );
  });

  it('serves the committed OpenAPI document: every B2B route under the api-key scheme, POSTs with Idempotency-Key, examples that the schemas accept', async () => {
    type Op = {
      security?: unknown;
      parameters?: Array<{ name: string; in: string; required?: boolean }>;
      requestBody?: { content: Record<string, { schema: { example?: unknown } }> };
      responses: Record<string, { content?: Record<string, { schema: { example?: unknown } }> }>;
    };
    const doc = await shop
      .client()
      .get<{ paths: Record<string, Record<string, Op>> }>('/docs/json');
    assert.equal(doc.status, 200);
    const committed: unknown = JSON.parse(
      readFileSync(join(REPO_ROOT, 'docs', 'api', 'shop.openapi.json'), 'utf8'),
    );
    assert.deepEqual(doc.body, committed, 'the shop serves docs/api/shop.openapi.json');
    for (const [path, ops] of Object.entries(doc.body.paths).filter(([p]) => p.startsWith('/b2b/')))
      for (const [method, o] of Object.entries(ops)) {
        assert.deepEqual(o.security, [{ 'api-key': [] }], `${method} ${path}: API key, not JWT`);
        const key = o.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        assert.equal(key?.required, method === 'post' ? true : undefined, `${method} ${path}`);
      }
    const op = (path: string, method: string) => {
      const o = doc.body.paths[path]?.[method];
      assert.ok(o, `${method.toUpperCase()} ${path} is documented`);
      return o;
    };
    const requestExample = (o: Op) => o.requestBody?.content['application/json']?.schema.example;
    const responseExample = (o: Op, status: number) =>
      o.responses[status]?.content?.['application/json']?.schema.example;
    const cases: Array<[string, string, number, { parse(v: unknown): unknown }, unknown?]> = [
      ['/b2b/v1/models', 'post', 201, B2bModelTicket, CreateUploadRequest],
      ['/b2b/v1/models/{id}/complete', 'post', 200, ModelFileView],
      ['/b2b/v1/models/{id}', 'get', 200, ModelFileView],
      ['/b2b/v1/quotes', 'post', 202, B2bQuoteAccepted, B2bCreateQuoteRequest],
      ['/b2b/v1/quotes/{id}', 'get', 200, QuoteView],
      ['/b2b/v1/quotes/{id}/accept', 'post', 201, ShopOrderView, AcceptQuoteRequest],
      ['/b2b/v1/orders', 'get', 200, ShopOrderList],
      ['/b2b/v1/orders', 'post', 201, ShopOrderView, B2bPlaceOrderRequest],
      ['/b2b/v1/orders/{id}/cancel', 'post', 200, ShopOrderView, ShopCancelOrderRequest],
      ['/b2b/v1/orders/{id}', 'get', 200, ShopOrderView],
    ];
    for (const [path, method, status, response, request] of cases) {
      const o = op(path, method);
      response.parse(responseExample(o, status));
      if (request) (request as { parse(v: unknown): unknown }).parse(requestExample(o));
      assert.ok(o.responses['401'] && o.responses['403'], `${path}: 401 and 403 documented`);
    }
  });
});
