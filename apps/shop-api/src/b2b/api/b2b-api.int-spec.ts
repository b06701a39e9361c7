import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { generateApiKey } from '@fabflow/auth';
import {
  AcceptQuoteRequest,
  ApiKeyIssued,
  B2bCreateQuoteRequest,
  B2bModelTicket,
  B2bQuoteAccepted,
  CreateUploadRequest,
  ModelFileView,
  OrderApproved,
  OrderPlaced,
  OrderReceived,
  OrganisationChanged,
  PriceListPublished,
  QuoteFailed,
  QuotePriced,
  QuoteRequested,
  QuoteView,
  ShopOrderList,
  ShopOrderView,
  type EventData,
  type EventDefinition,
} from '@fabflow/contracts';
import { declareExchange, envelopeHeaders, newEnvelope, publishOptions } from '@fabflow/messaging';
import { EmbeddedS3Server } from '@fabflow/storage';
import {
  binaryStlCube,
  IsolatedService,
  REPO_ROOT,
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
    shop = await IsolatedService.start('shop-api', 'shopb2b', {
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
      (await sent(OrderPlaced.type, orderId)).content.toString(),
    ) as EventData<typeof OrderPlaced>;
    assert.equal(placed.customerId, organisationId);

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
      OrderApproved,
      {
        orderId,
        customerId: organisationId,
        item: placed.item,
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
        const d = (JSON.parse(r.body) as { data: { from: string; to: string } }).data;
        return [r.event_id, d.from, d.to];
      }),
      [
        [webhookEventId(received, 'order.status_changed'), 'PLACED', 'AWAITING_CONFIRMATION'],
        [webhookEventId(approved, 'order.status_changed'), 'AWAITING_CONFIRMATION', 'CONFIRMED'],
      ],
    );
    const order = await api.get(`/b2b/v1/orders/${orderId}`);
    assert.equal(order.body.status, 'CONFIRMED');
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
