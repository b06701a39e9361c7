import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { importJWK, SignJWT } from 'jose';
import { generateSigningJwk, type PrivateSigningJwk } from '@fabflow/auth';
import { waitFor } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';
import {
  placeOrder,
  produceAndShip,
  registerCustomer,
  staffToken,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from './support/journey';
import { readyQuote } from './support/quotes';

describe('order journey across shop, CRM and MES (real processes, RabbitMQ, Postgres)', () => {
  let sys: FabflowSystem;
  let managerToken: string;
  let operatorToken: string;
  let adminToken: string;

  before(async () => {
    sys = await FabflowSystem.start('journey');
    [managerToken, operatorToken, adminToken] = await Promise.all([
      staffToken(sys, 'manager'),
      staffToken(sys, 'operator'),
      staffToken(sys, 'admin'),
    ]);
  });
  after(() => sys?.stop());

  it('takes an order from placement through approval and production to SHIPPED, exactly once', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    const crm = sys.client('crm', managerToken);
    const mes = sys.client('mes', operatorToken);

    const quoteId = await readyQuote(sys, customer.id, { quantity: 2, unitPriceCents: 1250 });
    const orderId = await placeOrder(shop, { quoteId });
    const placed = await shop.get<{ lines: Array<Record<string, unknown>>; totalCents: number }>(
      `/orders/${orderId}`,
    );
    assert.deepEqual(
      placed.body.lines.map((l) => [l.lineNo, l.quoteId, l.quantity, l.totalCents, l.status]),
      [[1, quoteId, 2, 2500, 'PENDING']],
      'one line: the quote, its quantity and price',
    );
    assert.equal(placed.body.totalCents, 2500);
    assert.equal((await shop.get(`/quotes/${quoteId}`)).body.status, 'ACCEPTED');
    const received = await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    const crmLines = received.lines as Array<{ quoteId: string }>;
    assert.deepEqual(
      crmLines.map((l) => l.quoteId),
      [quoteId],
      'the manager sees the quote the order came from',
    );
    await waitForShopStatus(shop, orderId, 'AWAITING_CONFIRMATION');

    const approved = await crm.post(`/orders/${orderId}/approve`, {
      priority: 'RUSH',
      dueInDays: 3,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'CONFIRMED');

    const wo = await waitForWorkOrder(mes, orderId);
    assert.equal(wo.status, 'QUEUED');
    assert.equal(wo.priority, 'RUSH');
    await produceAndShip(mes, wo.id as string);

    const shipped = await waitForShopStatus(shop, orderId, 'SHIPPED');
    const history = (shipped.history as Array<{ status: string; note: string | null }>).map(
      (h) => h.status,
    );
    const distinct = history.filter((s, i) => s !== history[i - 1]);
    assert.deepEqual(distinct, [
      'PLACED',
      'AWAITING_CONFIRMATION',
      'CONFIRMED',
      'IN_PRODUCTION',
      'SHIPPED',
    ]);
    await waitForCrmStatus(crm, orderId, 'SHIPPED');

    const timeline = await crm.get<{ entries: Array<{ type: string }> }>(
      `/orders/${orderId}/timeline`,
    );
    assert.equal(timeline.status, 200);
    const types = timeline.body.entries.map((e) => e.type);
    for (const t of [
      'fabflow.shop.order.placed.v2',
      'fabflow.crm.order.approved.v2',
      'fabflow.mes.workorder.created.v2',
    ]) {
      assert.ok(types.includes(t), `timeline has ${t}: ${types.join(', ')}`);
    }
    assert.equal(types.filter((t) => t === 'fabflow.mes.workorder.status_changed.v2').length, 5);

    const [crmRows] = await sys.query<{ n: number }>(
      'crm',
      'SELECT count(*)::int AS n FROM orders WHERE id = $1',
      [orderId],
    );
    const [mesRows] = await sys.query<{ n: number }>(
      'mes',
      'SELECT count(*)::int AS n FROM work_orders WHERE order_id = $1',
      [orderId],
    );
    assert.equal(crmRows!.n, 1);
    assert.equal(mesRows!.n, 1);
    const [workOrder] = await sys.query<{ quote_id: string; material: string }>(
      'mes',
      'SELECT quote_id, material FROM work_orders WHERE order_id = $1',
      [orderId],
    );
    assert.deepEqual(workOrder, { quote_id: quoteId, material: 'pla-black' });
  });

  it('refuses an illegal work-order move with 409 and the allowed moves', async () => {
    const customer = await registerCustomer(sys);
    const orderId = await placeOrder(sys.client('shop', customer.token));
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);
    const again = await crm.post(`/orders/${orderId}/approve`, {});
    assert.equal(again.status, 409);
    assert.match(again.body.detail as string, /CONFIRMED to CONFIRMED/);

    const mes = sys.client('mes', operatorToken);
    const wo = await waitForWorkOrder(mes, orderId);
    const notHeld = await mes.post(`/work-orders/${wo.id as string}/transitions`, {
      to: 'IN_PRODUCTION',
    });
    assert.equal(notHeld.status, 409);
    assert.match(notHeld.body.detail as string, /take the work order/);

    assert.equal((await mes.post(`/work-orders/${wo.id as string}/claim`)).status, 200);
    const illegal = await mes.post(`/work-orders/${wo.id as string}/transitions`, {
      to: 'SHIPPED',
    });
    assert.equal(illegal.status, 409);
    assert.deepEqual(illegal.body.allowed, ['IN_PRODUCTION', 'ON_HOLD', 'CANCELLED']);
    const stale = await mes.post(`/work-orders/${wo.id as string}/transitions`, {
      to: 'IN_PRODUCTION',
      expectedVersion: 1,
    });
    assert.equal(stale.status, 409);
    assert.match(stale.body.detail as string, /stale version/);
    const hold = await mes.post(`/work-orders/${wo.id as string}/transitions`, { to: 'ON_HOLD' });
    assert.equal(hold.status, 400);
    assert.match(hold.body.detail as string, /reason is required/);
  });

  it('cancels the customer order when a manager rejects it', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    const orderId = await placeOrder(shop);
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    const rejected = await crm.post(`/orders/${orderId}/reject`, {
      reason: 'material out of stock',
    });
    assert.equal(rejected.status, 200);
    const cancelled = await waitForShopStatus(shop, orderId, 'CANCELLED');
    const last = (cancelled.history as Array<{ note: string | null }>).at(-1);
    assert.equal(last?.note, 'material out of stock');
  });

  it('lets exactly one of two operators take a work order when both try at once', async () => {
    const customer = await registerCustomer(sys);
    const orderId = await placeOrder(sys.client('shop', customer.token));
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    await crm.post(`/orders/${orderId}/approve`, {});
    const wo = await waitForWorkOrder(sys.client('mes', operatorToken), orderId);
    const [a, b] = await Promise.all([
      sys.client('mes', operatorToken).post(`/work-orders/${wo.id as string}/claim`),
      sys.client('mes', adminToken).post(`/work-orders/${wo.id as string}/claim`),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const detail = await sys.client('mes', operatorToken).get(`/work-orders/${wo.id as string}`);
    const winner = a.status === 200 ? a : b;
    assert.equal(detail.body.assigneeId, winner.body.assigneeId);
  });

  it('never shows a customer another customer’s order, nor staff endpoints', async () => {
    const alice = await registerCustomer(sys);
    const bob = await registerCustomer(sys);
    const orderId = await placeOrder(sys.client('shop', alice.token));
    const asBob = sys.client('shop', bob.token);
    const peek = await asBob.get(`/orders/${orderId}`);
    assert.equal(peek.status, 404);
    const bobsList = await asBob.get<{ items: unknown[] }>('/orders');
    assert.equal(bobsList.body.items.length, 0);
    // A customer token is not even a token at the CRM and the MES: they accept staff tokens only.
    assert.equal((await sys.client('crm', alice.token).get(`/orders/${orderId}`)).status, 401);
    assert.equal(
      (await sys.client('crm', alice.token).post(`/orders/${orderId}/approve`, {})).status,
      401,
    );
    assert.equal((await sys.client('mes', alice.token).get('/work-orders')).status, 401);
    // Staff cannot place orders as if they were customers.
    const quoteId = await readyQuote(sys, alice.id);
    assert.equal((await sys.client('shop', managerToken).post('/orders', { quoteId })).status, 403);
    assert.equal((await asBob.get(`/quotes/${quoteId}`)).status, 404);
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    const quoteId = await readyQuote(sys, customer.id);
    const count = async () =>
      (await sys.query<{ n: number }>('shop', 'SELECT count(*)::int AS n FROM orders'))[0]!.n;
    const before = await count();

    const malformed = await shop.request('POST', '/orders', `{"quoteId": "${quoteId}",`);
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail as string, /not valid JSON/);
    assert.match(malformed.headers.get('content-type') ?? '', /^application\/problem\+json/);

    const missing = await shop.post('/orders', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(
      (missing.body.errors as Array<{ path: string }>).map((e) => e.path),
      ['quoteId'],
    );

    const wrongType = await shop.post('/orders', { quoteId: 42 });
    assert.equal(wrongType.status, 400);
    const unknownField = await shop.post('/orders', { quoteId, price: 1 });
    assert.equal(unknownField.status, 400);
    assert.match(unknownField.body.detail as string, /unknown field\(s\): price/);
    const oldShape = await shop.post('/orders', { sku: 'PLA-BRACKET-01', quantity: 1 });
    assert.equal(oldShape.status, 400, 'the catalogue is gone: orders come from quotes');
    const unknownQuote = await shop.post('/orders', {
      quoteId: '01890000-0000-7000-8000-000000000000',
    });
    assert.equal(unknownQuote.status, 404);
    assert.match(unknownQuote.body.detail as string, /quote .* not found/);

    assert.equal((await shop.get('/orders/01890000-0000-7000-8000-000000000000')).status, 404);
    const badId = await shop.get('/orders/not-a-uuid');
    assert.equal(badId.status, 400);
    assert.match(badId.body.detail as string, /id: must be a UUID/);

    // Signed with the shop's real key but expired; then with another key under the shop's kid.
    const customerToken = async (key: PrivateSigningJwk, expiresAt: number) =>
      new SignJWT({ role: 'customer' })
        .setProtectedHeader({ alg: key.alg, kid: sys.signingKeys.shop.kid, typ: 'at+jwt' })
        .setIssuer('fabflow-shop')
        .setAudience(['fabflow-shop'])
        .setSubject(customer.id)
        .setIssuedAt(expiresAt - 60)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(await importJWK(key, key.alg));
    const now = Math.floor(Date.now() / 1000);
    const expired = await customerToken(sys.signingKeys.shop, now - 60);
    const exp = await sys.client('shop', expired).post('/orders', { quoteId });
    assert.equal(exp.status, 401);
    assert.match(exp.body.detail as string, /expired/);
    const forged = await customerToken(await generateSigningJwk(), now + 60);
    assert.equal((await sys.client('shop', forged).post('/orders', { quoteId })).status, 401);
    assert.equal((await sys.client('shop').post('/orders', { quoteId })).status, 401);
    const badLogin = await sys
      .client('shop')
      .post('/auth/login', { email: customer.email, password: 'wrong-password' });
    assert.equal(badLogin.status, 401);
    const dupe = await sys.client('shop').post('/auth/register', {
      email: customer.email,
      password: 'customer-password-1',
      name: 'X',
    });
    assert.equal(dupe.status, 409);

    assert.equal(await count(), before);
    const [outbox] = await sys.query<{ n: number }>(
      'shop',
      "SELECT count(*)::int AS n FROM outbox WHERE type = 'fabflow.shop.order.placed.v2'",
    );
    assert.equal(outbox!.n, before);
    assert.equal((await shop.get(`/quotes/${quoteId}`)).body.status, 'READY', 'still orderable');
  });

  it('replays an order retried with the same Idempotency-Key and refuses the key with another body', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    const [quoteId, otherQuoteId] = [
      await readyQuote(sys, customer.id, { quantity: 3 }),
      await readyQuote(sys, customer.id, { quantity: 4 }),
    ];
    const key = { 'idempotency-key': `k-${Date.now()}` };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => shop.post('/orders', { quoteId }, key)),
    );
    const ids = new Set(responses.map((r) => r.body.id));
    assert.equal(ids.size, 1, JSON.stringify(responses.map((r) => [r.status, r.body])));
    // The first answer, five times: the others are its replays, not conflicts over the quote.
    assert.deepEqual(
      responses.map((r) => r.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(
      responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length,
      4,
    );
    assert.equal(new Set(responses.map((r) => JSON.stringify(r.body))).size, 1, 'identical bodies');
    const other = await shop.post('/orders', { quoteId: otherQuoteId }, key);
    assert.equal(other.status, 422);
    const again = await shop.post('/orders', { quoteId });
    assert.equal(again.status, 409, 'a quote is ordered once');
    const [n] = await sys.query<{ n: number }>(
      'shop',
      'SELECT count(*)::int AS n FROM orders WHERE customer_id = $1',
      [customer.id],
    );
    assert.equal(n!.n, 1);
    assert.equal((await shop.get(`/quotes/${otherQuoteId}`)).body.status, 'READY');
    await waitFor('the CRM to see it once', async () => {
      const rows = await sys.query<{ n: number }>(
        'crm',
        'SELECT count(*)::int AS n FROM orders WHERE customer_id = $1',
        [customer.id],
      );
      return rows[0]!.n === 1;
    });
  });
});
