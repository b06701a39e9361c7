import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { QuotePriced, QuoteRequested, type EventData } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { TestEventPublisher } from '@fabflow/messaging/testing';
import { IsolatedService, waitFor, type HttpClient } from '@fabflow/testing';

const PASSWORD = 'crm-reviews-staff-password';
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
type Review = {
  quoteId: string;
  status: string;
  reasons: Array<{ code: string }>;
  model: { watertight: boolean };
  proposedPrice: { totalCents: number };
  decision: { reason: string | null; price: { totalCents: number } | null } | null;
};

/*
 * The review queue with the real broker: the test plays the shop (QuoteRequested) and the MES
 * (QuotePriced), a manager decides through the CRM's API, and the decision leaves as
 * QuoteReviewed through the CRM's outbox.
 */
describe('crm quote reviews: the queue of NEEDS_REVIEW quotes and the decisions (real CRM, RabbitMQ)', () => {
  let crm: IsolatedService;
  let events: TestEventPublisher;
  let manager: HttpClient;
  let operator: HttpClient;

  const login = async (email: string) => {
    const res = await crm.client().post('/auth/login', { email, password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return crm.client(res.body.accessToken as string);
  };
  const handled = (id: string) =>
    waitFor(`message ${id} handled`, async () => {
      const rows = await crm.query('SELECT 1 FROM inbox WHERE message_id = $1', [id]);
      return rows.length === 1;
    });
  /** A quote requested by a customer and priced by the engine (NEEDS_REVIEW unless `ready`). */
  const priced = async (opts: { ready?: boolean; pricedAt?: Date } = {}) => {
    const quoteId = uuidv7();
    const customerId = uuidv7();
    const requested: EventData<typeof QuoteRequested> = {
      quoteId,
      customerId,
      channel: 'B2C',
      accountId: null,
      file: {
        fileId: uuidv7(),
        bucket: 'fabflow-models',
        key: `models/${quoteId}.stl`,
        sha256: 'a'.repeat(64),
        sizeBytes: 684,
        format: 'STL_BINARY',
        unit: 'mm',
        filename: 'open-box.stl',
      },
      materialId: 'pla-black',
      quantity: 2,
      leadTime: 'STANDARD',
      mode: 'INDICATIVE',
      requestedAt: new Date().toISOString(),
    };
    const e1 = await events.publish(QuoteRequested, requested, { subject: quoteId, version: 1 });
    const e2 = await events.publish(
      QuotePriced,
      {
        quoteId,
        status: opts.ready ? 'READY' : 'NEEDS_REVIEW',
        mode: 'INDICATIVE',
        price: PRICE,
        model: {
          format: 'STL_BINARY',
          triangles: 10,
          volumeMm3: 8000,
          surfaceAreaMm2: 2000,
          bboxMm: { x: 20, y: 20, z: 20 },
          watertight: false,
          shells: 1,
        },
        materialId: 'pla-black',
        technology: 'FDM',
        quantity: 2,
        leadTime: 'STANDARD',
        machineId: 'fdm-1',
        partsPerBuild: 2,
        machineSeconds: 3600,
        reviewReasons: opts.ready
          ? []
          : [{ code: 'NOT_WATERTIGHT', message: 'The mesh has 2 open edges.' }],
        priceListVersion: '2026-12-01',
        engineVersion: 'test',
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
        pricedAt: (opts.pricedAt ?? new Date()).toISOString(),
      },
      { subject: quoteId, version: 2 },
    );
    await handled(e1.id);
    await handled(e2.id);
    return { quoteId, customerId };
  };
  const reviewed = (quoteId: string) =>
    crm.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM outbox WHERE routing_key = 'quote.reviewed' AND payload->>'quoteId' = $1",
      [quoteId],
    );

  before(async () => {
    crm = await IsolatedService.start('crm-api', 'crmreviews', {
      SEED_STAFF: 'true',
      SEED_STAFF_PASSWORD: PASSWORD,
    });
    events = await TestEventPublisher.connect(crm.vhost.url);
    manager = await login('manager@fabflow.local');
    operator = await login('operator@fabflow.local');
  });

  after(async () => {
    await events?.close();
    await crm?.stop();
  });

  it("lists NEEDS_REVIEW quotes with the engine's reasons, the analysis and the proposed price, not READY ones", async () => {
    const held = await priced();
    const ready = await priced({ ready: true });
    const one = await manager.get<Review>(`/quote-reviews/${held.quoteId}`);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.equal(one.body.status, 'PENDING');
    assert.deepEqual(
      one.body.reasons.map((r) => r.code),
      ['NOT_WATERTIGHT'],
    );
    assert.equal(one.body.model.watertight, false);
    assert.equal(one.body.proposedPrice.totalCents, 2240);
    assert.equal((await manager.get(`/quote-reviews/${ready.quoteId}`)).status, 404);
    assert.equal((await operator.get('/quote-reviews')).status, 403);
  });

  it('pages through the queue oldest first with a keyset cursor', async () => {
    const base = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await priced({ pricedAt: new Date(base + i * 1000) })).quoteId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await manager.get<{ items: Review[]; nextCursor: string | null }>(
        `/quote-reviews?limit=2${q}`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...page.body.items.map((r) => r.quoteId));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.filter((id) => ids.includes(id)),
      ids,
      'every review once, oldest first',
    );
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await manager.get('/quote-reviews?cursor=bm9wZQ')).status, 400);
  });

  it('approves at an adjusted unit price with a reason, once, and announces it as QuoteReviewed', async () => {
    const { quoteId, customerId } = await priced();
    const noReason = await manager.post(`/quote-reviews/${quoteId}/approve`, {
      unitPriceCents: 1500,
    });
    assert.equal(noReason.status, 400);
    assert.match(JSON.stringify(noReason.body), /reason is required/);
    assert.equal((await reviewed(quoteId)).length, 0);

    const res = await manager.post<Review>(`/quote-reviews/${quoteId}/approve`, {
      unitPriceCents: 1500,
      leadTime: 'ECONOMY',
      reason: 'open mesh: repaired by hand, an hour of work',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'APPROVED');
    assert.equal(res.body.decision?.price?.totalCents, 3000);
    const [e] = await reviewed(quoteId);
    assert.equal(e!.payload.decision, 'APPROVED');
    assert.equal(e!.payload.customerId, customerId);
    assert.equal(e!.payload.leadTime, 'ECONOMY');
    assert.equal((e!.payload.price as { totalCents: number }).totalCents, 3000);
    assert.ok(Date.parse(e!.payload.validUntil as string) > Date.now());

    const again = await manager.post(`/quote-reviews/${quoteId}/reject`, {
      reason: 'changed my mind about it',
    });
    assert.equal(again.status, 409, 'a decided review is decided');
    assert.equal((await reviewed(quoteId)).length, 1);
  });

  it('rejects with a reason the customer can act on, and refuses a reason that says nothing', async () => {
    const { quoteId } = await priced();
    assert.equal(
      (await manager.post(`/quote-reviews/${quoteId}/reject`, { reason: 'no' })).status,
      400,
    );
    const res = await manager.post<Review>(`/quote-reviews/${quoteId}/reject`, {
      reason: 'The mesh is open at the base: close it and upload again.',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'REJECTED');
    const [e] = await reviewed(quoteId);
    assert.equal(e!.payload.decision, 'REJECTED');
    assert.equal(e!.payload.price, null);
    assert.equal(
      (
        await manager.post(`/quote-reviews/${randomUUID()}/reject`, {
          reason: 'a long enough reason',
        })
      ).status,
      404,
    );
    const listed = await manager.get<{ items: Review[] }>(
      '/quote-reviews?status=REJECTED&limit=200',
    );
    assert.ok(listed.body.items.some((r) => r.quoteId === quoteId));
  });
});
