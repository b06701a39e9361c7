import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import {
  OrderApprovedV2,
  OrderReceived,
  QuoteFailed,
  WorkOrderStatusChangedV2,
  type CartView,
  type EventData,
  type OrderPlacedV2,
  type Problem,
  type ShopOrderView,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { waitFor, type HttpClient } from '@fabflow/testing';
import { ShopOrdersTestBed, type Customer } from './shop-orders.test-bed';

type Order = z.infer<typeof ShopOrderView>;
type Cart = z.infer<typeof CartView>;
type Body<T> = T & Pick<Problem, 'detail'>;

/*
 * Orders with lines in the B2C shop: the server-side cart, its checkout, one-line orders, every
 * bad input (a clear problem, nothing written) and the customer's cancellation. The price list
 * has a minimum order value of 15.00 EUR.
 */
describe('shop orders with lines: the cart, checkout, bad input, the customer’s cancellation (real shop, Postgres, RabbitMQ, Redis, S3)', () => {
  let bed: ShopOrdersTestBed;
  let alice: Customer;
  let bob: Customer;

  const cart = async (c: Customer = alice) => {
    const res = await c.client.get<Cart>('/cart');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const add = (quoteId: string, c: Customer = alice) =>
    c.client.post<Body<Cart>>('/cart/items', { quoteId });
  const remove = (quoteId: string, c: Customer = alice) =>
    c.client.request<Body<Cart>>('DELETE', `/cart/items/${quoteId}`);
  const checkout = (c: Customer = alice, headers?: Record<string, string>) =>
    c.client.post<Body<Order>>('/cart/checkout', undefined, headers);
  const orderOne = (quoteId: string, c: Customer = alice) =>
    c.client.post<Body<Order>>('/orders', { quoteId });
  const cancel = (orderId: string, body: unknown = {}, c: Customer = alice) =>
    c.client.post<Body<Order>>(`/orders/${orderId}/cancel`, body);
  const quoteStatus = async (id: string, client: HttpClient = alice.client) =>
    (await client.get(`/quotes/${id}`)).body.status;
  /** What a refused request must leave untouched. */
  const written = async () => ({
    orders: await bed.count('SELECT count(*)::int AS n FROM orders'),
    lines: await bed.count('SELECT count(*)::int AS n FROM order_lines'),
    history: await bed.count('SELECT count(*)::int AS n FROM order_status_history'),
    outbox: await bed.count("SELECT count(*)::int AS n FROM outbox WHERE type LIKE '%.order.%'"),
    cart: await bed.count('SELECT count(*)::int AS n FROM cart_items'),
  });
  const problem = (
    res: { status: number; headers: Headers; body: { detail: string } },
    status: number,
    detail: RegExp,
  ) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.match(res.body.detail, detail);
  };

  before(async () => {
    bed = await ShopOrdersTestBed.start('shoporders');
    await bed.priceList(1500);
    [alice, bob] = await Promise.all([bed.customer(), bed.customer()]);
  });

  after(async () => {
    await bed?.stop();
  });

  it('checks out a three-line cart as one order: each line its quote without the top-up, OrderPlaced v2, the cart emptied, the quotes ACCEPTED', async () => {
    // A 6.00 and a 4.00 part, each topped up to the 15.00 minimum, and a 22.40 part.
    const q1 = await bed.pricedQuote(alice, { totalCents: 1500, minimumPriceAdjustmentCents: 900 });
    const q2 = await bed.pricedQuote(alice, {
      totalCents: 1500,
      minimumPriceAdjustmentCents: 1100,
    });
    const q3 = await bed.pricedQuote(alice, { totalCents: 2240 });
    for (const q of [q1, q2, q3]) assert.equal((await add(q)).status, 200);
    const again = await add(q2);
    assert.equal(again.status, 200, 'adding a quote already in the cart changes nothing');
    assert.deepEqual(
      again.body.items.map((i) => i.quoteId),
      [q1, q2, q3],
    );
    const before = await cart();
    assert.deepEqual(
      before.items.map((i) => [i.quoteId, i.status, i.orderable, i.lineTotalCents]),
      [
        [q1, 'READY', true, 600],
        [q2, 'READY', true, 400],
        [q3, 'READY', true, 2240],
      ],
    );
    assert.deepEqual(
      [before.subtotalCents, before.minimumOrderSurchargeCents, before.totalCents, before.currency],
      [3240, 0, 3240, 'EUR'],
    );

    const res = await checkout();
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const order = res.body;
    assert.equal(res.headers.get('location'), `/orders/${order.id}`);
    assert.deepEqual(
      order.lines.map((l) => [
        l.lineNo,
        l.quoteId,
        l.quantity,
        l.unitPriceCents,
        l.totalCents,
        l.status,
      ]),
      [
        [1, q1, 2, 300, 600, 'PENDING'],
        [2, q2, 2, 200, 400, 'PENDING'],
        [3, q3, 2, 1120, 2240, 'PENDING'],
      ],
    );
    assert.deepEqual(
      [
        order.status,
        order.channel,
        order.subtotalCents,
        order.minimumOrderSurchargeCents,
        order.totalCents,
        order.currency,
      ],
      ['PLACED', 'B2C', 3240, 0, 3240, 'EUR'],
    );
    assert.deepEqual(
      order.history.map((h) => [h.status, h.source]),
      [['PLACED', 'shop']],
    );
    const [event] = await bed.shop.query<{ payload: EventData<typeof OrderPlacedV2> }>(
      "SELECT payload FROM outbox WHERE type = 'fabflow.shop.order.placed.v2' AND subject = $1",
      [order.id],
    );
    assert.deepEqual(event?.payload, {
      orderId: order.id,
      customerId: alice.id,
      channel: 'B2C',
      lines: order.lines.map((l) => ({
        lineId: l.lineId,
        lineNo: l.lineNo,
        quoteId: l.quoteId,
        name: l.name,
        material: l.material,
        quantity: l.quantity,
        unitPriceCents: l.unitPriceCents,
        totalCents: l.totalCents,
      })),
      subtotalCents: 3240,
      minimumOrderSurchargeCents: 0,
      totalCents: 3240,
      currency: 'EUR',
      placedAt: order.placedAt,
    });
    assert.deepEqual(await cart(), {
      items: [],
      subtotalCents: 0,
      minimumOrderSurchargeCents: 0,
      totalCents: 0,
      currency: null,
    });
    assert.equal(
      await bed.count('SELECT count(*)::int AS n FROM cart_items WHERE customer_id = $1', [
        alice.id,
      ]),
      0,
    );
    for (const q of [q1, q2, q3]) assert.equal(await quoteStatus(q), 'ACCEPTED');
    const read = await alice.client.get<Order>(`/orders/${order.id}`);
    assert.deepEqual(read.body, order, 'GET shows what the checkout answered');
    const list = await alice.client.get<{ items: Array<Omit<Order, 'history'>> }>('/orders');
    assert.deepEqual(list.body.items.find((o) => o.id === order.id)?.lines, order.lines);
  });

  it('applies the minimum order value once: two small parts pay one minimum; a one-line order costs exactly its quote', async () => {
    const a = await bed.pricedQuote(alice, { totalCents: 1500, minimumPriceAdjustmentCents: 900 });
    const b = await bed.pricedQuote(alice, { totalCents: 1500, minimumPriceAdjustmentCents: 1100 });
    for (const q of [a, b]) assert.equal((await add(q)).status, 200);
    const priced = await cart();
    assert.deepEqual(
      [priced.subtotalCents, priced.minimumOrderSurchargeCents, priced.totalCents],
      [1000, 500, 1500],
    );
    const two = await checkout();
    assert.equal(two.status, 201, JSON.stringify(two.body));
    assert.deepEqual(
      [
        two.body.lines.map((l) => l.totalCents),
        two.body.subtotalCents,
        two.body.minimumOrderSurchargeCents,
        two.body.totalCents,
      ],
      [[600, 400], 1000, 500, 1500],
      'two parts topped up once: 15.00, not 30.00',
    );
    const single = await bed.pricedQuote(alice, {
      totalCents: 1500,
      minimumPriceAdjustmentCents: 900,
    });
    const one = await orderOne(single);
    assert.equal(one.status, 201, JSON.stringify(one.body));
    assert.deepEqual(
      [
        one.body.lines.length,
        one.body.subtotalCents,
        one.body.minimumOrderSurchargeCents,
        one.body.totalCents,
      ],
      [1, 600, 900, 1500],
      'a one-line order costs its quote’s total, as before lines',
    );
  });

  it('makes checkout idempotent: a retry with the same key gets the first order byte for byte, and there is one order', async () => {
    const q = await bed.pricedQuote(alice);
    assert.equal((await add(q)).status, 200);
    const key = { 'idempotency-key': `c-${randomBytes(6).toString('hex')}` };
    const ordersBefore = await bed.count(
      'SELECT count(*)::int AS n FROM orders WHERE customer_id = $1',
      [alice.id],
    );
    const post = () =>
      fetch(`${bed.shop.url}/cart/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.client.token!}`, ...key },
      }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
    const first = await post();
    assert.equal(first.status, 201, first.text);
    const retry = await post();
    assert.deepEqual([retry.status, retry.text], [201, first.text]);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(
      await bed.count('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [alice.id]),
      ordersBefore + 1,
    );
    // Without the key a second checkout is a checkout of the (now empty) cart.
    problem(await checkout(), 409, /the cart is empty/);
  });

  it('refuses bad input with a clear problem and writes nothing', async () => {
    const before = await written();
    problem(
      await checkout(),
      409,
      /^the cart is empty: add READY quotes \(POST \/cart\/items\), then check out$/,
    );

    const bobs = await bed.pricedQuote(bob);
    problem(await add(bobs), 404, new RegExp(`^quote ${bobs} not found$`));
    problem(await orderOne(bobs), 404, new RegExp(`^quote ${bobs} not found$`));

    const calculating = await bed.calculatingQuote(alice);
    problem(
      await add(calculating),
      409,
      new RegExp(
        `^quote ${calculating} is still being calculated: order it once it is READY \\(GET /quotes/${calculating}\\)`,
      ),
    );

    const failed = await bed.calculatingQuote(alice);
    await bed.handled(
      await bed.publish(
        QuoteFailed,
        {
          quoteId: failed,
          code: 'TRUNCATED',
          reason: 'the file was cut off; export it again',
          failedAt: new Date().toISOString(),
        },
        { subject: failed, version: 2 },
      ),
    );
    problem(
      await add(failed),
      409,
      new RegExp(`^quote ${failed} failed and cannot be ordered: the file was cut off`),
    );

    const unreviewed = await bed.pricedQuote(alice, { status: 'NEEDS_REVIEW' });
    problem(
      await add(unreviewed),
      409,
      new RegExp(`^quote ${unreviewed} needs a review by our staff`),
    );

    const lapsed = new Date(Date.now() - 1000);
    const expired = await bed.pricedQuote(alice, { validUntil: lapsed });
    problem(
      await add(expired),
      409,
      new RegExp(
        `^quote ${expired} expired at ${lapsed.toISOString()}: ask for a new quote \\(POST /quotes\\)`,
      ),
    );

    // Mixed currencies: each quote can go in the cart, the order cannot be placed.
    const eur = await bed.pricedQuote(alice);
    const usd = await bed.pricedQuote(alice, { currency: 'USD' });
    for (const q of [eur, usd]) assert.equal((await add(q)).status, 200);
    problem(
      await checkout(),
      422,
      new RegExp(`different currencies \\(${eur}: EUR, ${usd}: USD\\)`),
    );
    for (const q of [eur, usd]) assert.equal((await remove(q)).status, 200);
    problem(await remove(usd), 404, new RegExp(`^quote ${usd} is not in the cart$`));

    // Re-checked at checkout: a quote that expired in the cart is named, nothing is ordered.
    const soon = new Date(Date.now() + 1500);
    const expiring = await bed.pricedQuote(alice, { validUntil: soon });
    assert.equal((await add(expiring)).status, 200);
    await waitFor('the quote to lapse', () => Date.now() > soon.getTime() + 50);
    problem(
      await checkout(),
      409,
      new RegExp(`^quote ${expiring} expired at ${soon.toISOString()}`),
    );
    const stale = await cart();
    assert.deepEqual(
      [stale.items.map((i) => [i.quoteId, i.status, i.orderable]), stale.totalCents],
      [[[expiring, 'EXPIRED', false]], 0],
      'the cart shows why',
    );
    assert.equal((await remove(expiring)).status, 200);
    assert.deepEqual(await written(), before, 'no order, line, history, event or cart item');

    // An ordered quote cannot be added; ordering a quote takes it out of the cart.
    const ordered = await bed.pricedQuote(alice);
    assert.equal((await add(ordered)).status, 200);
    const placed = await orderOne(ordered);
    assert.equal(placed.status, 201);
    assert.deepEqual((await cart()).items, [], 'ordered, so out of the cart');
    problem(
      await add(ordered),
      409,
      new RegExp(
        `^quote ${ordered} was already ordered \\(order ${placed.body.id}\\); a quote is ordered once$`,
      ),
    );
  });

  it('holds at most 50 quotes in the cart (the 51st is refused) and checks out all 50 as one order', async () => {
    const quotes: string[] = [];
    for (let i = 0; i < 51; i++)
      quotes.push(await bed.pricedQuote(alice, { totalCents: 1000 + i }));
    for (const q of quotes.slice(0, 50)) assert.equal((await add(q)).status, 200);
    const before = await written();
    problem(
      await add(quotes[50]!),
      409,
      /^the cart holds at most 50 quotes: check it out, then start another$/,
    );
    assert.deepEqual(await written(), before);
    const res = await checkout();
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.lines.map((l) => l.quoteId),
      quotes.slice(0, 50),
    );
    assert.equal(
      res.body.totalCents,
      quotes.slice(0, 50).reduce((sum, _, i) => sum + 1000 + i, 0),
    );
  });

  it('lets the customer cancel before production: the order and lines CANCELLED, the quotes released, OrderCancelledByCustomer; 409 once a line started; 404 for another customer', async () => {
    const soon = new Date(Date.now() + 1500);
    const q1 = await bed.pricedQuote(alice);
    const q2 = await bed.pricedQuote(alice, { validUntil: soon });
    for (const q of [q1, q2]) assert.equal((await add(q)).status, 200);
    const placed = await checkout();
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const id = placed.body.id;
    await waitFor('q2 to lapse while ordered', () => Date.now() > soon.getTime() + 50);

    const before = await written();
    problem(await cancel(id, {}, bob), 404, new RegExp(`^order ${id} not found$`));
    assert.deepEqual(await written(), before);

    const res = await cancel(id, { reason: 'ordered the wrong material' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [
        res.body.status,
        res.body.lines.map((l) => l.status),
        res.body.cancellation?.by,
        res.body.cancellation?.reason,
      ],
      ['CANCELLED', ['CANCELLED', 'CANCELLED'], 'CUSTOMER', 'ordered the wrong material'],
    );
    assert.deepEqual(
      res.body.history.map((h) => [h.status, h.source, h.note]),
      [
        ['PLACED', 'shop', null],
        ['CANCELLED', 'customer', 'cancelled by the customer: ordered the wrong material'],
      ],
    );
    const [event] = await bed.shop.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM outbox WHERE type = 'fabflow.shop.order.cancelled.v1' AND subject = $1",
      [id],
    );
    assert.deepEqual(event?.payload, {
      orderId: id,
      customerId: alice.id,
      reason: 'ordered the wrong material',
      cancelledAt: res.body.cancellation?.at,
    });
    assert.equal(await quoteStatus(q1), 'READY', 'released: still valid');
    assert.equal(await quoteStatus(q2), 'EXPIRED', 'released past its validity');
    problem(await cancel(id), 409, new RegExp(`^order ${id} is already cancelled$`));

    // The released quote is ordered again, without a new price; once production started on its
    // line, the customer can no longer cancel.
    const again = await orderOne(q1);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    const o2 = again.body;
    await bed.handled(
      await bed.publish(
        OrderReceived,
        { orderId: o2.id, status: 'AWAITING_CONFIRMATION' },
        { subject: o2.id, version: 1 },
      ),
    );
    const lines = o2.lines.map((l) => ({ ...l, quoteId: l.quoteId! }));
    const approval = {
      orderId: o2.id,
      customerId: alice.id,
      channel: 'B2C' as const,
      lines: lines.map(({ status: _s, cancellationOutcome: _c, ...l }) => l),
      approvedBy: uuidv7(),
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      priority: 'NORMAL' as const,
    };
    await bed.handled(await bed.publish(OrderApprovedV2, approval, { subject: o2.id, version: 2 }));
    const started: EventData<typeof WorkOrderStatusChangedV2> = {
      workOrderId: uuidv7(),
      orderId: o2.id,
      lineId: o2.lines[0]!.lineId,
      from: 'QUEUED',
      to: 'IN_PRODUCTION',
      lineStatus: 'IN_PRODUCTION',
      lineVersion: 2,
      orderStatus: 'IN_PRODUCTION',
      orderVersion: 2,
      changedBy: uuidv7(),
      holdReason: null,
    };
    await bed.handled(
      await bed.publish(WorkOrderStatusChangedV2, started, {
        subject: started.workOrderId,
        version: 2,
      }),
    );
    const refusedBefore = await written();
    problem(
      await cancel(o2.id),
      409,
      new RegExp(
        `^production has started on line 1 \\(IN_PRODUCTION\\) of order ${o2.id}: it can no longer be cancelled by you`,
      ),
    );
    assert.deepEqual(await written(), refusedBefore);
    assert.equal((await alice.client.get<Order>(`/orders/${o2.id}`)).body.status, 'IN_PRODUCTION');
    assert.equal(await quoteStatus(q1), 'ACCEPTED');
  });
});
