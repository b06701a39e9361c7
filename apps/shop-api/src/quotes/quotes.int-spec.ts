import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import {
  PriceListPublished,
  QuoteFailed,
  QuotePriced,
  QuoteProgressed,
  QuoteRequested,
  QuoteReviewed,
  SUBSCRIPTION_QUEUES,
  type EventData,
  type EventDefinition,
  type Problem,
  type QuoteAccepted,
  type QuoteView,
} from '@fabflow/contracts';
import {
  declareExchange,
  dlqName,
  envelopeHeaders,
  newEnvelope,
  publishOptions,
} from '@fabflow/messaging';
import { EmbeddedS3Server } from '@fabflow/storage';
import {
  binaryStlCube,
  IsolatedService,
  SseClient,
  waitFor,
  type HttpClient,
} from '@fabflow/testing';

type Quote = z.infer<typeof QuoteView>;
type Accepted = z.infer<typeof QuoteAccepted>;

const credentials = { accessKeyId: 'quotes-test-key', secretAccessKey: 'quotes-test-secret' };
const DAY = 86_400_000;
const LEAD_TIMES = [
  { tier: 'ECONOMY', businessDays: 10 },
  { tier: 'STANDARD', businessDays: 5 },
  { tier: 'EXPRESS', businessDays: 2 },
] as const;
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
 * The shop's side of pricing with the real broker: the test plays the MES, publishing
 * PriceListPublished and QuoteProgressed / QuotePriced / QuoteFailed to `mes.events` exactly as
 * the MES's relay would, and reads what the shop does with them through its API and its
 * progress stream (a real HTTP client reading text/event-stream).
 */
describe('shop quotes: requests, the MES’s pricing events, progress streams, orders from quotes (real shop, RabbitMQ, Redis, S3)', () => {
  let dir: string;
  let s3: EmbeddedS3Server;
  let shop: IsolatedService;
  let conn: ChannelModel;
  let ch: ConfirmChannel;
  const requested: ConsumeMessage[] = [];
  let alice: HttpClient;
  let aliceId: string;
  let bob: HttpClient;
  let aliceFile: { id: string; sha256: string; size: number };
  let bobFileId: string;

  const customer = async (): Promise<[HttpClient, string]> => {
    const email = `q-${randomBytes(4).toString('hex')}@example.com`;
    const anon = shop.client();
    const reg = await anon.post('/auth/register', {
      email,
      password: 'a-long-password',
      name: 'Q',
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const login = await anon.post('/auth/login', { email, password: 'a-long-password' });
    return [shop.client(login.body.accessToken as string), reg.body.id as string];
  };
  /** Announce, PUT through the presigned URL, complete (or not): the file id. */
  const upload = async (client: HttpClient, file: Buffer, completeIt = true) => {
    const t = await client.post('/uploads', { filename: 'bracket.stl', sizeBytes: file.length });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const ticket = t.body as { fileId: string; uploadUrl: string; headers: Record<string, string> };
    const put = await fetch(ticket.uploadUrl, {
      method: 'PUT',
      headers: ticket.headers,
      body: file,
    });
    assert.equal(put.status, 200);
    if (completeIt)
      assert.equal((await client.post(`/uploads/${ticket.fileId}/complete`)).status, 200);
    return ticket.fileId;
  };
  /** Publishes an event as the MES's relay would; resolves with its message id. */
  const publish = async <E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    opts: { subject: string; version: number; id?: string },
  ): Promise<string> => {
    const parsed: unknown = def.schema.parse(data);
    const e = newEnvelope({
      type: def.type,
      source: `fabflow/${def.publisher}`,
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
  /** Waits until the shop has handled (or ignored) the message: its inbox row exists. */
  const handled = (messageId: string) =>
    waitFor(`message ${messageId} handled`, async () => {
      const rows = await shop.query('SELECT 1 FROM inbox WHERE message_id = $1', [messageId]);
      return rows.length === 1;
    });
  const progressed = (quoteId: string, stage: string, overall: number, fraction = 1) => ({
    quoteId,
    stage,
    fraction,
    overall,
    mode: 'INDICATIVE' as const,
    attempt: 1,
  });
  const priced = (
    quoteId: string,
    over: Partial<EventData<typeof QuotePriced>> = {},
  ): EventData<typeof QuotePriced> => ({
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
    quantity: 2,
    leadTime: 'STANDARD',
    machineId: 'fdm-1',
    partsPerBuild: 2,
    machineSeconds: 5400,
    reviewReasons: [],
    priceListVersion: '2026-12-01',
    engineVersion: 'test-engine',
    validUntil: new Date(Date.now() + 14 * DAY).toISOString(),
    pricedAt: new Date().toISOString(),
    ...over,
  });
  const failed = (quoteId: string, code = 'TRUNCATED') => ({
    quoteId,
    code,
    reason: 'the file was cut off; export it again and upload it',
    failedAt: new Date().toISOString(),
  });
  const requestQuote = async (
    client: HttpClient,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => client.post<Accepted & Pick<Problem, 'detail'>>('/quotes', body, headers);
  /** A POST as bytes: what an idempotent replay must repeat exactly. */
  const rawPost = async (
    client: HttpClient,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${client.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${client.token!}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  /** A new CALCULATING quote of Alice's (2 × pla-black): its id. */
  const newQuote = async () => {
    const res = await requestQuote(alice, {
      fileId: aliceFile.id,
      materialId: 'pla-black',
      quantity: 2,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.quoteId;
  };
  const getQuote = async (client: HttpClient, id: string) => {
    const res = await client.get<Quote>(`/quotes/${id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const count = async (sql: string, values: unknown[] = []) =>
    (await shop.query<{ n: number }>(sql, values))[0]!.n;
  const metric = async (series: string, labels: Record<string, string> = {}) => {
    const text = await (await fetch(`${shop.url}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (
        m?.[1] === series &&
        Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))
      )
        sum += Number(m[3]);
    }
    return sum;
  };
  const stream = (client: HttpClient, id: string, headers: Record<string, string> = {}) =>
    SseClient.open(`${shop.url}/quotes/${id}/events`, {
      ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
      ...headers,
    });
  const quoteOf = (m: { data?: string } | undefined) => {
    assert.ok(m?.data, 'an event with data');
    return JSON.parse(m.data) as Quote;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-quotes-s3-'));
    s3 = await EmbeddedS3Server.start({ dir, credentials });
    shop = await IsolatedService.start('shop-api', 'shopquotes', {
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      QUOTE_EVENTS_HEARTBEAT_MS: '300',
      QUOTE_EXPIRY_SWEEP_MS: '300',
    });
    conn = await amqp.connect(shop.vhost.url);
    ch = await conn.createConfirmChannel();
    await declareExchange(ch, 'shop.events');
    await declareExchange(ch, 'mes.events');
    await declareExchange(ch, 'crm.events');
    // No CRM or MES subscription runs here: a queue of the test's own takes a copy of all the
    // shop publishes (with no queue bound, the relay would keep retrying them as unroutable).
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, 'shop.events', '#');
    await ch.consume(
      queue,
      (m) => m?.properties.headers?.['ce-type'] === QuoteRequested.type && requested.push(m),
      { noAck: true },
    );
    [[alice, aliceId], [bob]] = await Promise.all([customer(), customer()]);
    const file = binaryStlCube(20);
    aliceFile = {
      id: await upload(alice, file),
      sha256: createHash('sha256').update(file).digest('hex'),
      size: file.length,
    };
    bobFileId = await upload(bob, binaryStlCube(10));
  });

  after(async () => {
    await conn?.close().catch(() => undefined);
    await shop?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 until a price list has arrived, then offers the latest one on GET /materials', async () => {
    const early = await requestQuote(alice, {
      fileId: aliceFile.id,
      materialId: 'pla-black',
      quantity: 1,
    });
    assert.equal(early.status, 503);
    assert.equal(early.headers.get('retry-after'), '1');
    assert.match(early.body.detail, /no price list has arrived/);
    assert.deepEqual((await shop.client().get('/materials')).body, {
      priceListVersion: null,
      currency: null,
      items: [],
      leadTimes: [],
    });

    const materials = [
      { id: 'pla-black', name: 'PLA, black', technology: 'FDM' as const },
      { id: 'resin-grey', name: 'Standard resin, grey', technology: 'SLA' as const },
    ];
    const current = await publish(
      PriceListPublished,
      {
        priceListVersion: '2026-12-01',
        currency: 'EUR',
        materials,
        leadTimes: [...LEAD_TIMES],
        publishedAt: new Date().toISOString(),
      },
      { subject: '2026-12-01', version: 1 },
    );
    await handled(current);
    // A late, older list (published a month before) changes nothing.
    const older = await publish(
      PriceListPublished,
      {
        priceListVersion: '2026-11-01',
        currency: 'EUR',
        materials: [{ id: 'abs-white', name: 'ABS, white', technology: 'FDM' }],
        leadTimes: [...LEAD_TIMES],
        publishedAt: new Date(Date.now() - 30 * DAY).toISOString(),
      },
      { subject: '2026-11-01', version: 1 },
    );
    await handled(older);
    const res = await shop.client().get('/materials');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      priceListVersion: '2026-12-01',
      currency: 'EUR',
      items: materials,
      leadTimes: LEAD_TIMES,
    });
    assert.equal(await count('SELECT count(*)::int AS n FROM quotes'), 0, 'the 503 wrote nothing');
  });

  it('takes a quote request: 202 CALCULATING with its URLs, and QuoteRequested with the file in the same transaction; an Idempotency-Key replays it', async () => {
    const key = { 'idempotency-key': `q-${Date.now()}` };
    const body = {
      fileId: aliceFile.id,
      materialId: 'pla-black',
      quantity: 2,
      leadTime: 'EXPRESS',
    };
    const res = await requestQuote(alice, body, key);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.quoteId;
    assert.deepEqual(res.body, {
      quoteId: id,
      status: 'CALCULATING',
      pollUrl: `/quotes/${id}`,
      eventsUrl: `/quotes/${id}/events`,
    });
    assert.equal(res.headers.get('location'), `/quotes/${id}`);

    const quote = await getQuote(alice, id);
    assert.deepEqual(
      {
        status: quote.status,
        mode: quote.mode,
        priceMode: quote.priceMode,
        fileId: quote.fileId,
        filename: quote.filename,
        materialId: quote.materialId,
        quantity: quote.quantity,
        leadTime: quote.leadTime,
        progress: quote.progress,
        price: quote.price,
        failure: quote.failure,
      },
      {
        status: 'CALCULATING',
        mode: 'INDICATIVE',
        priceMode: null,
        fileId: aliceFile.id,
        filename: 'bracket.stl',
        materialId: 'pla-black',
        quantity: 2,
        leadTime: 'EXPRESS',
        progress: { stage: null, fraction: 0, overall: 0, updatedAt: null },
        price: null,
        failure: null,
      },
    );

    const message = await waitFor('QuoteRequested on shop.events', () =>
      requested.find((m) => m.properties.headers?.['ce-subject'] === id),
    );
    assert.equal(
      await count('SELECT count(*)::int AS n FROM outbox WHERE type = $1 AND subject = $2', [
        QuoteRequested.type,
        id,
      ]),
      1,
    );
    assert.equal(message.properties.headers?.['ce-type'], QuoteRequested.type);
    assert.equal(message.properties.headers?.['ce-version'], '1');
    const data = JSON.parse(message.content.toString()) as EventData<typeof QuoteRequested>;
    assert.deepEqual(
      { ...data, requestedAt: undefined },
      {
        quoteId: id,
        customerId: aliceId,
        channel: 'B2C',
        accountId: null,
        file: {
          fileId: aliceFile.id,
          bucket: 'fabflow-models',
          key: `models/${aliceId}/${aliceFile.id}`,
          sha256: aliceFile.sha256,
          sizeBytes: aliceFile.size,
          format: 'STL_BINARY',
          unit: 'mm',
          filename: 'bracket.stl',
        },
        materialId: 'pla-black',
        quantity: 2,
        leadTime: 'EXPRESS',
        mode: 'INDICATIVE',
        requestedAt: undefined,
      },
    );

    const replay = await requestQuote(alice, body, key);
    assert.equal(replay.status, 202);
    assert.equal(replay.body.quoteId, id);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const other = await requestQuote(alice, { ...body, quantity: 3 }, key);
    assert.equal(other.status, 422);
    assert.match(other.body.detail, /already used with a different request body/);
    assert.equal(
      await count('SELECT count(*)::int AS n FROM quotes WHERE idempotency_key = $1', [
        `${aliceId}:${key['idempotency-key']}`,
      ]),
      1,
      'one quote for the key, which the quote keeps scoped to its customer',
    );

    const firm = await requestQuote(alice, { ...body, firm: true });
    assert.equal(firm.status, 202);
    const firmMessage = await waitFor('the firm QuoteRequested', () =>
      requested.find((m) => m.properties.headers?.['ce-subject'] === firm.body.quoteId),
    );
    assert.equal((JSON.parse(firmMessage.content.toString()) as { mode: string }).mode, 'FIRM');
    const list = await alice.get<{ items: Quote[] }>('/quotes');
    assert.deepEqual(
      list.body.items.slice(0, 2).map((q) => q.id),
      [firm.body.quoteId, id],
      'newest first',
    );
    assert.equal((await bob.get<{ items: Quote[] }>('/quotes')).body.items.length, 0);
  });

  it('answers bad quote requests with a clear 4xx and writes nothing', async () => {
    const pending = await upload(alice, binaryStlCube(6), false);
    const quotes = () => count('SELECT count(*)::int AS n FROM quotes');
    const requests = () =>
      count('SELECT count(*)::int AS n FROM outbox WHERE type = $1', [QuoteRequested.type]);
    const before = [await quotes(), await requests()];
    const ok = { fileId: aliceFile.id, materialId: 'pla-black', quantity: 1 };
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [
        { ...ok, materialId: 'gold' },
        422,
        /unknown material "gold"; valid materials: pla-black, resin-grey/,
      ],
      [{ ...ok, fileId: '01890000-0000-7000-8000-000000000000' }, 404, /upload .* not found/],
      [{ ...ok, fileId: bobFileId }, 404, /upload .* not found/],
      [
        { ...ok, fileId: pending },
        409,
        /is not complete: PUT the file, then POST \/uploads\/.*\/complete/,
      ],
      [{ ...ok, fileId: 'not-a-uuid' }, 400, /fileId: must be a UUID/],
      [{ ...ok, quantity: 0 }, 400, /quantity/],
      [{ ...ok, leadTime: 'YESTERDAY' }, 400, /leadTime/],
      [{ ...ok, price: 1 }, 400, /unknown field\(s\): price/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await requestQuote(alice, body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(res.body.detail, detail);
    }
    assert.equal((await shop.client().post('/quotes', ok)).status, 401);
    assert.deepEqual([await quotes(), await requests()], before);
  });

  it('shows progress and then the price on GET and on the event stream: the state at once, each change, heartbeats, the end after READY', async () => {
    const id = await newQuote();
    const sse = await stream(alice, id);
    assert.equal(sse.status, 200);
    assert.match(sse.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal((await sse.next())?.retry, 2000);
    const first = await sse.nextEvent();
    assert.equal(first?.event, 'quote');
    assert.equal(first?.id, '1');
    assert.equal(quoteOf(first).status, 'CALCULATING');
    assert.equal((await sse.next())?.comment, 'heartbeat', 'a heartbeat while nothing changes');

    await publish(QuoteProgressed, progressed(id, 'parse', 0.1), { subject: id, version: 2 });
    const parsed = await sse.nextEvent();
    assert.equal(parsed?.id, '2');
    assert.deepEqual(
      { ...quoteOf(parsed).progress, updatedAt: undefined },
      { stage: 'parse', fraction: 1, overall: 0.1, updatedAt: undefined },
    );
    assert.equal((await getQuote(alice, id)).progress.stage, 'parse');

    await publish(QuoteProgressed, progressed(id, 'orientation', 0.6, 0.5), {
      subject: id,
      version: 3,
    });
    assert.equal(quoteOf(await sse.nextEvent()).progress.stage, 'orientation');

    const result = priced(id);
    await publish(QuotePriced, result, { subject: id, version: 4 });
    const ready = quoteOf(await sse.nextEvent());
    assert.equal(ready.status, 'READY');
    assert.deepEqual(ready.price, PRICE);
    assert.equal(await sse.next(), undefined, 'the stream ends once the calculation is over');

    const quote = await getQuote(alice, id);
    assert.deepEqual(
      {
        status: quote.status,
        priceMode: quote.priceMode,
        price: quote.price,
        model: quote.model,
        validUntil: quote.validUntil,
        overall: quote.progress.overall,
      },
      {
        status: 'READY',
        priceMode: 'INDICATIVE',
        price: PRICE,
        model: result.model,
        validUntil: result.validUntil,
        overall: 1,
      },
    );

    // Reconnecting: the final state once more, then the end; with the last id already seen,
    // 204, which tells an EventSource not to reconnect again.
    const again = await stream(alice, id);
    assert.equal(quoteOf(await again.nextEvent()).status, 'READY');
    assert.equal(await again.next(), undefined);
    const seen = await stream(alice, id, { 'last-event-id': '4' });
    assert.equal(seen.status, 204);
  });

  it('ignores stale, duplicate and late events: a quote never leaves a final state', async () => {
    const id = await newQuote();
    const result = await publish(QuotePriced, priced(id), { subject: id, version: 5 });
    await handled(result);
    const ready = await getQuote(alice, id);
    const duplicatesBefore = await metric('fabflow_consumer_messages_total', {
      queue: SUBSCRIPTION_QUEUES.shop.quotes,
      outcome: 'duplicate',
    });
    const late = [
      await publish(QuoteProgressed, progressed(id, 'parse', 0.2), { subject: id, version: 3 }),
      await publish(QuoteProgressed, progressed(id, 'cost', 0.9), { subject: id, version: 9 }),
      await publish(QuoteFailed, failed(id), { subject: id, version: 10 }),
      await publish(QuotePriced, priced(id, { price: { ...PRICE, totalCents: 1 } }), {
        subject: id,
        version: 4,
      }),
    ];
    await publish(QuotePriced, priced(id), { subject: id, version: 5, id: result });
    for (const m of late) await handled(m);
    await waitFor(
      'the redelivery absorbed by the inbox',
      async () =>
        (await metric('fabflow_consumer_messages_total', {
          queue: SUBSCRIPTION_QUEUES.shop.quotes,
          outcome: 'duplicate',
        })) ===
        duplicatesBefore + 1,
    );
    assert.deepEqual(await getQuote(alice, id), ready);

    const failedId = await newQuote();
    await handled(await publish(QuoteFailed, failed(failedId), { subject: failedId, version: 2 }));
    await handled(await publish(QuotePriced, priced(failedId), { subject: failedId, version: 3 }));
    const f = await getQuote(alice, failedId);
    assert.equal(f.status, 'FAILED');
    assert.deepEqual(f.failure, {
      code: 'TRUNCATED',
      reason: 'the file was cut off; export it again and upload it',
    });
    assert.equal(f.price, null);
    const sse = await stream(alice, failedId);
    assert.equal(quoteOf(await sse.nextEvent()).status, 'FAILED');
    assert.equal(await sse.next(), undefined);

    // NEEDS_REVIEW may still become READY (a person approved it) — a forward move.
    const reviewId = await newQuote();
    const reasons = [{ code: 'THIN_WALLS', message: 'walls under 0.8 mm may break' }];
    await handled(
      await publish(
        QuotePriced,
        priced(reviewId, { status: 'NEEDS_REVIEW', reviewReasons: reasons }),
        {
          subject: reviewId,
          version: 2,
        },
      ),
    );
    const review = await getQuote(alice, reviewId);
    assert.deepEqual([review.status, review.reviewReasons], ['NEEDS_REVIEW', reasons]);
    await handled(
      await publish(QuotePriced, priced(reviewId, { mode: 'FIRM' }), {
        subject: reviewId,
        version: 3,
      }),
    );
    const reviewed = await getQuote(alice, reviewId);
    assert.deepEqual([reviewed.status, reviewed.priceMode], ['READY', 'FIRM']);
  });

  it('applies a manager’s review: approved, READY and FIRM at the reviewed price (on the open stream and on GET); rejected, FAILED with the reason', async () => {
    const inReview = async () => {
      const id = await newQuote();
      await handled(
        await publish(
          QuotePriced,
          priced(id, {
            status: 'NEEDS_REVIEW',
            reviewReasons: [{ code: 'NOT_WATERTIGHT', message: 'the mesh has holes' }],
          }),
          { subject: id, version: 2 },
        ),
      );
      return id;
    };
    const approvedId = await inReview();
    const sse = await stream(alice, approvedId);
    const waiting = quoteOf(await sse.nextEvent());
    assert.deepEqual(
      [waiting.status, waiting.priceSource, waiting.review],
      ['NEEDS_REVIEW', 'ENGINE', null],
    );
    const reviewed = {
      ...PRICE,
      reviewAdjustmentCents: 260,
      totalCents: 2500,
      unitPriceCents: 1250,
    };
    const validUntil = new Date(Date.now() + 30 * DAY).toISOString();
    const reviewedAt = new Date().toISOString();
    const approval = await publish(
      QuoteReviewed,
      {
        quoteId: approvedId,
        customerId: aliceId,
        decision: 'APPROVED',
        reviewedBy: randomUUID(),
        reason: 'the holes are vents; support removed by hand',
        price: reviewed,
        leadTime: 'EXPRESS',
        validUntil,
        reviewedAt,
      },
      { subject: approvedId, version: 2 },
    );
    const ready = quoteOf(await sse.nextEvent());
    assert.equal(await sse.next(), undefined, 'the stream ends once the review settled the quote');
    assert.deepEqual(
      [
        ready.status,
        ready.priceMode,
        ready.priceSource,
        ready.price,
        ready.leadTime,
        ready.validUntil,
      ],
      ['READY', 'FIRM', 'REVIEWED', reviewed, 'EXPRESS', validUntil],
    );
    assert.deepEqual(ready.review, {
      decision: 'APPROVED',
      reason: 'the holes are vents; support removed by hand',
      reviewedAt,
    });
    await handled(approval);
    assert.deepEqual(await getQuote(alice, approvedId), ready, 'polling shows the same');
    // A second decision for a quote no longer in review changes nothing.
    await handled(
      await publish(
        QuoteReviewed,
        {
          quoteId: approvedId,
          customerId: aliceId,
          decision: 'REJECTED',
          reviewedBy: randomUUID(),
          reason: 'changed my mind',
          price: null,
          leadTime: null,
          validUntil: null,
          reviewedAt: new Date().toISOString(),
        },
        { subject: approvedId, version: 3 },
      ),
    );
    assert.equal((await getQuote(alice, approvedId)).status, 'READY');
    const order = await alice.post<{ totalCents: number }>('/orders', { quoteId: approvedId });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.totalCents, 2500, 'ordered at the reviewed price');

    const rejectedId = await inReview();
    await handled(
      await publish(
        QuoteReviewed,
        {
          quoteId: rejectedId,
          customerId: aliceId,
          decision: 'REJECTED',
          reviewedBy: randomUUID(),
          reason: 'walls of 0.3 mm cannot be printed: thicken them to 0.8 mm and ask again',
          price: null,
          leadTime: null,
          validUntil: null,
          reviewedAt,
        },
        { subject: rejectedId, version: 2 },
      ),
    );
    const rejected = await getQuote(alice, rejectedId);
    assert.deepEqual(
      [rejected.status, rejected.failure, rejected.review?.decision],
      [
        'FAILED',
        {
          code: 'REJECTED_IN_REVIEW',
          reason: 'walls of 0.3 mm cannot be printed: thicken them to 0.8 mm and ask again',
        },
        'REJECTED',
      ],
    );
    const refused = await alice.post<Pick<Problem, 'detail'>>('/orders', { quoteId: rejectedId });
    assert.equal(refused.status, 409);
    assert.match(
      refused.body.detail,
      /failed and cannot be ordered: walls of 0.3 mm cannot be printed/,
    );
  });

  it('never shows a price made for another request: such an event goes to the DLQ', async () => {
    const id = await newQuote();
    await publish(QuotePriced, priced(id, { quantity: 99 }), { subject: id, version: 2 });
    const dlq = await waitFor('the event in the DLQ', async () => {
      const q = await ch.checkQueue(dlqName(SUBSCRIPTION_QUEUES.shop.quotes));
      return q.messageCount === 1 ? q : undefined;
    });
    assert.equal(dlq.messageCount, 1);
    const quote = await getQuote(alice, id);
    assert.deepEqual([quote.status, quote.price], ['CALCULATING', null]);
    await ch.purgeQueue(dlqName(SUBSCRIPTION_QUEUES.shop.quotes));
  });

  it('orders only the caller’s READY quotes, at the quote’s price, accepting the quote in the same transaction', async () => {
    const aliceOrders = 'SELECT count(*)::int AS n FROM orders WHERE customer_id = $1';
    const ordersBefore = await count(aliceOrders, [aliceId]);
    const id = await newQuote();
    const order = (client: HttpClient, quoteId: string, key?: string) =>
      client.post<Record<string, unknown> & Pick<Problem, 'detail'>>(
        '/orders',
        { quoteId },
        key ? { 'idempotency-key': key } : undefined,
      );
    const calculating = await order(alice, id);
    assert.equal(calculating.status, 409);
    assert.match(calculating.body.detail, /is still being calculated: order it once it is READY/);
    await handled(await publish(QuotePriced, priced(id), { subject: id, version: 2 }));
    assert.equal((await order(bob, id)).status, 404, 'another customer’s quote is not found');

    const key = `o-${Date.now()}`;
    const placed = await order(alice, id, key);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const [line] = placed.body.lines as Array<Record<string, unknown>>;
    assert.equal((placed.body.lines as unknown[]).length, 1, 'a one-line order');
    assert.deepEqual(
      {
        quoteId: line?.quoteId,
        lineNo: line?.lineNo,
        name: line?.name,
        material: line?.material,
        quantity: line?.quantity,
        unitPriceCents: line?.unitPriceCents,
        lineTotalCents: line?.totalCents,
        lineStatus: line?.status,
        subtotalCents: placed.body.subtotalCents,
        minimumOrderSurchargeCents: placed.body.minimumOrderSurchargeCents,
        totalCents: placed.body.totalCents,
        currency: placed.body.currency,
        status: placed.body.status,
      },
      {
        quoteId: id,
        lineNo: 1,
        name: 'bracket.stl',
        material: 'pla-black',
        quantity: 2,
        unitPriceCents: 1120,
        lineTotalCents: 2240,
        lineStatus: 'PENDING',
        subtotalCents: 2240,
        minimumOrderSurchargeCents: 0,
        totalCents: 2240,
        currency: 'EUR',
        status: 'PLACED',
      },
    );
    assert.equal((await getQuote(alice, id)).status, 'ACCEPTED');
    const [event] = await shop.query<{
      payload: { lines: Array<Record<string, unknown>>; totalCents: number };
    }>("SELECT payload FROM outbox WHERE type = 'fabflow.shop.order.placed.v2' AND subject = $1", [
      placed.body.id,
    ]);
    assert.deepEqual(event?.payload.lines, [
      {
        lineId: line?.lineId,
        lineNo: 1,
        quoteId: id,
        name: 'bracket.stl',
        material: 'pla-black',
        quantity: 2,
        unitPriceCents: 1120,
        totalCents: 2240,
      },
    ]);
    assert.equal(event?.payload.totalCents, 2240);
    // A retry gets the first answer again (201, same order), marked as a replay.
    const replay = await order(alice, id, key);
    assert.equal(replay.status, 201);
    assert.equal(replay.body.id, placed.body.id);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.headers.get('location'), `/orders/${placed.body.id as string}`);
    const twice = await order(alice, id);
    assert.equal(twice.status, 409);
    assert.match(
      twice.body.detail,
      new RegExp(`was already ordered \\(order ${placed.body.id as string}\\)`),
    );

    const failedId = await newQuote();
    await handled(await publish(QuoteFailed, failed(failedId), { subject: failedId, version: 2 }));
    const f = await order(alice, failedId);
    assert.equal(f.status, 409);
    assert.match(f.body.detail, /failed and cannot be ordered: the file was cut off/);

    const reviewId = await newQuote();
    await handled(
      await publish(QuotePriced, priced(reviewId, { status: 'NEEDS_REVIEW' }), {
        subject: reviewId,
        version: 2,
      }),
    );
    assert.match((await order(alice, reviewId)).body.detail, /needs a review by our staff/);

    const expiredId = await newQuote();
    const lapsed = new Date(Date.now() - 1000).toISOString();
    await handled(
      await publish(QuotePriced, priced(expiredId, { validUntil: lapsed }), {
        subject: expiredId,
        version: 2,
      }),
    );
    assert.equal(
      (await getQuote(alice, expiredId)).status,
      'EXPIRED',
      'expired the moment validUntil passed',
    );
    const e = await order(alice, expiredId);
    assert.equal(e.status, 409);
    assert.match(e.body.detail, new RegExp(`expired at ${lapsed}: ask for a new quote`));
    assert.equal(
      await count("SELECT count(*)::int AS n FROM quotes WHERE id = $1 AND status = 'EXPIRED'", [
        expiredId,
      ]),
      1,
    );

    assert.equal(
      await count(aliceOrders, [aliceId]),
      ordersBefore + 1,
      'one order, from the one READY quote',
    );
  });

  it('makes B2C POST /quotes and POST /orders idempotent per customer: concurrent retries make one quote and one order, each replayed byte for byte; another body is a 422', async () => {
    const body = {
      fileId: aliceFile.id,
      materialId: 'pla-black',
      quantity: 2,
      leadTime: 'ECONOMY',
    };
    const qKey = { 'idempotency-key': `q-${randomBytes(6).toString('hex')}` };
    const quotesBefore = await count('SELECT count(*)::int AS n FROM quotes');
    const asked = await Promise.all(
      Array.from({ length: 5 }, () => rawPost(alice, '/quotes', body, qKey)),
    );
    assert.deepEqual(
      asked.map((r) => r.status),
      [202, 202, 202, 202, 202],
    );
    assert.equal(new Set(asked.map((r) => r.text)).size, 1, 'five identical answers');
    assert.equal(asked.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 4);
    assert.equal(await count('SELECT count(*)::int AS n FROM quotes'), quotesBefore + 1);
    const quoteId = (JSON.parse(asked[0]!.text) as Accepted).quoteId;
    const later = await rawPost(alice, '/quotes', { ...body }, qKey);
    assert.deepEqual(
      [later.status, later.text, later.headers.get('location')],
      [202, asked[0]!.text, `/quotes/${quoteId}`],
    );
    const otherBody = await rawPost(alice, '/quotes', { ...body, quantity: 3 }, qKey);
    assert.equal(otherBody.status, 422);
    assert.match(otherBody.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.match(otherBody.text, /already used with a different request body/);
    // The key is Alice's: Bob's request with the same key is a request of its own.
    const bobs = await rawPost(bob, '/quotes', { ...body, fileId: bobFileId }, qKey);
    assert.equal(bobs.status, 202, bobs.text);
    assert.equal(bobs.headers.get('idempotent-replayed'), null);
    // Should the stored answer be lost (its instance died before storing it), the quote's own
    // unique key still refuses a second quote for the retry, naming the first.
    await shop.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [
      `customer:${aliceId}`,
      qKey['idempotency-key'],
    ]);
    const lost = await rawPost(alice, '/quotes', body, qKey);
    assert.equal(lost.status, 409, lost.text);
    assert.match(
      lost.text,
      new RegExp(`already asked for quote ${quoteId} \\(GET /quotes/${quoteId}\\)`),
    );
    assert.equal(
      await count('SELECT count(*)::int AS n FROM quotes'),
      quotesBefore + 2,
      'no second quote of Alice',
    );

    await handled(
      await publish(QuotePriced, priced(quoteId, { leadTime: 'ECONOMY' }), {
        subject: quoteId,
        version: 2,
      }),
    );
    const oKey = { 'idempotency-key': `o-${randomBytes(6).toString('hex')}` };
    const placed = await Promise.all(
      Array.from({ length: 5 }, () => rawPost(alice, '/orders', { quoteId }, oKey)),
    );
    assert.deepEqual(
      placed.map((r) => r.status),
      [201, 201, 201, 201, 201],
      placed.map((r) => r.text).join('\n'),
    );
    assert.equal(new Set(placed.map((r) => r.text)).size, 1, 'five identical answers');
    assert.equal(placed.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 4);
    const orderId = (JSON.parse(placed[0]!.text) as { id: string }).id;
    assert.equal(
      await count('SELECT count(*)::int AS n FROM order_lines WHERE quote_id = $1', [quoteId]),
      1,
      'one order',
    );
    const retried = await rawPost(alice, '/orders', { quoteId }, oKey);
    assert.deepEqual(
      [retried.status, retried.text, retried.headers.get('location')],
      [201, placed[0]!.text, `/orders/${orderId}`],
    );
    assert.equal(retried.headers.get('idempotent-replayed'), 'true');
    const refused = await rawPost(alice, '/orders', { quoteId: randomUUID() }, oKey);
    assert.equal(refused.status, 422);
    // Without a key nothing is replayed: the quote is ordered once, so a second order is a 409.
    const unkeyed = await rawPost(alice, '/orders', { quoteId });
    assert.equal(unkeyed.status, 409);
    assert.match(unkeyed.text, new RegExp(`already ordered \\(order ${orderId}\\)`));
  });

  it('marks priced quotes EXPIRED once their validity has passed, and counts quotes on /metrics', async () => {
    const id = await newQuote();
    const sse = await stream(alice, id);
    assert.equal(quoteOf(await sse.nextEvent()).status, 'CALCULATING');
    await publish(
      QuotePriced,
      priced(id, { validUntil: new Date(Date.now() + 1500).toISOString() }),
      {
        subject: id,
        version: 2,
      },
    );
    assert.equal(quoteOf(await sse.nextEvent()).status, 'READY');
    await waitFor(
      'the sweep to expire it',
      async () =>
        (await count("SELECT count(*)::int AS n FROM quotes WHERE id = $1 AND status = 'EXPIRED'", [
          id,
        ])) === 1,
    );
    const [byStatus] = await shop.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM quotes WHERE status = 'EXPIRED'",
    );
    assert.equal(await metric('fabflow_quotes', { status: 'EXPIRED' }), byStatus!.n);
    assert.equal(
      await metric('fabflow_quotes', { status: 'DRAFT' }),
      0,
      'every status has a series',
    );
    assert.ok((await metric('fabflow_quote_outcomes_total', { status: 'EXPIRED' })) >= 1);
    assert.ok((await metric('fabflow_quote_outcomes_total', { status: 'ACCEPTED' })) >= 1);
    assert.ok((await metric('fabflow_quote_outcomes_total', { status: 'FAILED' })) >= 2);
    assert.equal(
      await metric('fabflow_quotes_requested_total'),
      await count('SELECT count(*)::int AS n FROM quotes'),
    );
    assert.equal(await metric('fabflow_quote_event_streams'), 0, 'every stream of this test ended');
    // Streams are not requests with a duration: the RED histogram leaves them out.
    assert.equal(
      await metric('fabflow_http_request_duration_seconds_count', {
        route: '/quotes/:id/events',
        status_code: '200',
      }),
      0,
    );
  });

  it('streams only the caller’s quotes: another customer 404, no token 401', async () => {
    const id = await newQuote();
    assert.equal((await stream(bob, id)).status, 404);
    assert.equal((await stream(shop.client(), id)).status, 401);
    const bad = await stream(alice, 'not-a-uuid');
    assert.equal(bad.status, 400);
    assert.equal(
      await metric('fabflow_http_request_duration_seconds_count', {
        route: '/quotes/:id/events',
        status_code: '404',
      }),
      1,
      'refused streams are counted like any request',
    );
  });

  it('closes open progress streams on shutdown (SIGTERM) and exits 0', async () => {
    const id = await newQuote();
    const sse = await stream(alice, id);
    assert.equal(quoteOf(await sse.nextEvent()).status, 'CALCULATING');
    const exited = shop.process.stop();
    let end: unknown = 'open';
    for (let i = 0; i < 10 && end !== undefined; i++) end = await sse.next(10_000);
    assert.equal(end, undefined, 'the stream ended');
    assert.equal(await exited, 0);
  });
});
