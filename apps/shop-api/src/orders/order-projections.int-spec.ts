import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import {
  OrderApproved,
  OrderApprovedV2,
  OrderCancellationApplied,
  OrderCancelled,
  OrderReceived,
  WorkOrderStatusChanged,
  WorkOrderStatusChangedV2,
  type EventData,
  type OrderLineStatus,
  type OrderStatus,
  type ShopOrderView,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { ShopOrdersTestBed, type Customer } from './shop-orders.test-bed';

type Order = z.infer<typeof ShopOrderView>;
const MANAGER = uuidv7();
const OPERATOR = uuidv7();

/*
 * The shop's projections of the CRM's and the MES's order events, played by the test: a manager's
 * cancellation (some lines, then the rest), production by line and order versions (out of order,
 * partially shipped, then shipped), production's outcome of a cancellation per line, and
 * version-1 events still in flight.
 */
describe('shop order projections: the CRM’s cancellations, production by versions, cancellation outcomes (real shop, Postgres, RabbitMQ)', () => {
  let bed: ShopOrdersTestBed;
  let alice: Customer;

  const get = async (id: string) => {
    const res = await alice.client.get<Order>(`/orders/${id}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const quoteStatus = async (id: string) => (await alice.client.get(`/quotes/${id}`)).body.status;
  /** A CONFIRMED order of `n` lines (placed through the cart, received and approved by the CRM). */
  const confirmedOrder = async (n: number): Promise<Order> => {
    for (let i = 0; i < n; i++) {
      const q = await bed.pricedQuote(alice);
      assert.equal((await alice.client.post('/cart/items', { quoteId: q })).status, 200);
    }
    const placed = await alice.client.post<Order>('/cart/checkout');
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const o = placed.body;
    await publish(OrderReceived, { orderId: o.id, status: 'AWAITING_CONFIRMATION' }, o.id, 1);
    await publish(
      OrderApprovedV2,
      {
        orderId: o.id,
        customerId: alice.id,
        channel: 'B2C',
        lines: o.lines.map((l) => ({
          lineId: l.lineId,
          lineNo: l.lineNo,
          quoteId: l.quoteId!,
          name: l.name,
          material: l.material,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
          totalCents: l.totalCents,
        })),
        approvedBy: MANAGER,
        dueAt: '2026-12-20T12:00:00.000Z',
        priority: 'NORMAL',
      },
      o.id,
      2,
    );
    const confirmed = await get(o.id);
    assert.equal(confirmed.status, 'CONFIRMED');
    return confirmed;
  };
  const publish = async <E extends Parameters<ShopOrdersTestBed['publish']>[0]>(
    def: E,
    data: EventData<E>,
    subject: string,
    version: number,
  ) => {
    const id = await bed.publish(def, data, { subject, version });
    await bed.handled(id);
    return id;
  };
  /** A production step of one line, as the MES numbers it for the line and for the order. */
  const step = (
    o: Order,
    lineNo: number,
    to: WorkOrderStatus,
    line: [OrderLineStatus, number],
    order: [OrderStatus | undefined, number],
    holdReason: string | null = null,
  ): EventData<typeof WorkOrderStatusChangedV2> => ({
    workOrderId: uuidv7(),
    orderId: o.id,
    lineId: o.lines[lineNo - 1]!.lineId,
    from: 'QUEUED',
    to,
    lineStatus: line[0],
    lineVersion: line[1],
    ...(order[0] ? { orderStatus: order[0] } : {}),
    orderVersion: order[1],
    changedBy: OPERATOR,
    holdReason,
  });
  const produce = (e: EventData<typeof WorkOrderStatusChangedV2>) =>
    publish(WorkOrderStatusChangedV2, e, e.workOrderId, 2);
  const historyOf = (o: Order) => o.history.map((h) => [h.status, h.source, h.note]);

  before(async () => {
    bed = await ShopOrdersTestBed.start('shopprojections');
    await bed.priceList(undefined);
    alice = await bed.customer();
  });

  after(async () => {
    await bed?.stop();
  });

  it('follows production by line and order versions: an older event never overrides a newer one; PARTIALLY_SHIPPED, then SHIPPED, each step in the history', async () => {
    const o = await confirmedOrder(3);
    // Line 1 shipped (versions 6) arrives before its start (versions 2): the start is stale.
    await produce(step(o, 1, 'SHIPPED', ['SHIPPED', 6], ['PARTIALLY_SHIPPED', 6]));
    await produce(step(o, 1, 'IN_PRODUCTION', ['IN_PRODUCTION', 2], ['IN_PRODUCTION', 2]));
    let now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => l.status)],
      ['PARTIALLY_SHIPPED', ['SHIPPED', 'PENDING', 'PENDING']],
    );
    await produce(step(o, 2, 'IN_PRODUCTION', ['IN_PRODUCTION', 2], ['PARTIALLY_SHIPPED', 7]));
    // Line 2 held and released: the release (versions 4 and 9) arrives before the hold (3 and 8).
    // Only the versions tell: ON_HOLD is an allowed exit from PARTIALLY_SHIPPED.
    await produce(step(o, 2, 'IN_PRODUCTION', ['IN_PRODUCTION', 4], ['PARTIALLY_SHIPPED', 9]));
    await produce(
      step(
        o,
        2,
        'ON_HOLD',
        ['ON_HOLD', 3],
        ['ON_HOLD', 8],
        'nozzle jam: the operator checks the part',
      ),
    );
    now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => l.status)],
      ['PARTIALLY_SHIPPED', ['SHIPPED', 'IN_PRODUCTION', 'PENDING']],
      'the older hold does not override the newer release',
    );
    await produce(step(o, 2, 'SHIPPED', ['SHIPPED', 5], ['PARTIALLY_SHIPPED', 10]));
    await produce(step(o, 3, 'SHIPPED', ['SHIPPED', 4], ['SHIPPED', 12]));
    // A late step of line 3 from before it shipped: both versions older, nothing changes.
    await produce(step(o, 3, 'PACKED', ['IN_PRODUCTION', 3], ['PARTIALLY_SHIPPED', 11]));
    now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => l.status)],
      ['SHIPPED', ['SHIPPED', 'SHIPPED', 'SHIPPED']],
    );
    assert.deepEqual(historyOf(now), [
      ['PLACED', 'shop', null],
      ['AWAITING_CONFIRMATION', 'crm', null],
      ['CONFIRMED', 'crm', 'confirmed; due 2026-12-20'],
      ['PARTIALLY_SHIPPED', 'mes', 'line 1: SHIPPED'],
      ['PARTIALLY_SHIPPED', 'mes', 'line 2: IN_PRODUCTION'],
      ['PARTIALLY_SHIPPED', 'mes', 'line 2: IN_PRODUCTION'],
      ['PARTIALLY_SHIPPED', 'mes', 'line 2: SHIPPED'],
      ['SHIPPED', 'mes', 'line 3: SHIPPED'],
    ]);
  });

  it('applies a manager’s cancellation of some lines, then of the rest: lines CANCELLED, their quotes released, the order CANCELLED once every line is; the outcome per line', async () => {
    const o = await confirmedOrder(3);
    const [l1, l2, l3] = o.lines;
    await produce(step(o, 1, 'IN_PRODUCTION', ['IN_PRODUCTION', 2], ['IN_PRODUCTION', 2]));
    await publish(
      OrderCancelled,
      {
        orderId: o.id,
        cancelledBy: MANAGER,
        reason: 'the customer asked by phone',
        lineIds: [l2!.lineId],
        cancelledAt: new Date().toISOString(),
      },
      o.id,
      3,
    );
    let now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => l.status), now.cancellation],
      ['IN_PRODUCTION', ['IN_PRODUCTION', 'CANCELLED', 'PENDING'], null],
    );
    assert.deepEqual(
      [await quoteStatus(l1!.quoteId!), await quoteStatus(l2!.quoteId!)],
      ['ACCEPTED', 'READY'],
      'the cancelled line’s quote is released',
    );
    await publish(
      OrderCancelled,
      {
        orderId: o.id,
        cancelledBy: MANAGER,
        reason: 'the customer cancelled the project',
        lineIds: null,
        cancelledAt: new Date().toISOString(),
      },
      o.id,
      4,
    );
    now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => l.status), now.cancellation?.by, now.cancellation?.reason],
      [
        'CANCELLED',
        ['CANCELLED', 'CANCELLED', 'CANCELLED'],
        'MANAGER',
        'the customer cancelled the project',
      ],
    );
    for (const l of [l1, l2, l3]) assert.equal(await quoteStatus(l!.quoteId!), 'READY');

    await publish(
      OrderCancellationApplied,
      {
        orderId: o.id,
        source: 'MANAGER',
        lines: [
          { lineId: l1!.lineId, workOrderId: uuidv7(), outcome: 'HELD_IN_PRODUCTION' },
          { lineId: l2!.lineId, workOrderId: uuidv7(), outcome: 'CANCELLED' },
          { lineId: l3!.lineId, workOrderId: uuidv7(), outcome: 'CANCELLED' },
        ],
        orderStatus: 'CANCELLED',
        orderVersion: 5,
        appliedAt: new Date().toISOString(),
      },
      o.id,
      5,
    );
    // The hold itself, older than the outcome for the order, newer for the line.
    await produce(step(o, 1, 'ON_HOLD', ['CANCELLED', 3], ['CANCELLED', 4], 'order cancelled'));
    now = await get(o.id);
    assert.deepEqual(
      now.lines.map((l) => [l.status, l.cancellationOutcome]),
      [
        ['CANCELLED', 'HELD_IN_PRODUCTION'],
        ['CANCELLED', 'CANCELLED'],
        ['CANCELLED', 'CANCELLED'],
      ],
    );
    assert.deepEqual(historyOf(now).slice(3), [
      ['IN_PRODUCTION', 'mes', 'line 1: IN_PRODUCTION'],
      ['IN_PRODUCTION', 'crm', 'line 2 cancelled by a manager: the customer asked by phone'],
      ['CANCELLED', 'crm', 'cancelled by a manager: the customer cancelled the project'],
      [
        'CANCELLED',
        'mes',
        'production applied the cancellation: line 1 held in production (already started: the part is scrapped or kept as stock); line 2 cancelled; line 3 cancelled',
      ],
      ['CANCELLED', 'mes', 'line 1: ON_HOLD (order cancelled)'],
    ]);
  });

  it('puts a line production had already shipped back to SHIPPED when the customer’s cancellation arrived too late; the order follows its lines', async () => {
    const o = await confirmedOrder(2);
    const [l1, l2] = o.lines;
    const cancelled = await alice.client.post<Order>(`/orders/${o.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(await quoteStatus(l1!.quoteId!), 'READY');
    await publish(
      OrderCancellationApplied,
      {
        orderId: o.id,
        source: 'CUSTOMER',
        lines: [
          { lineId: l1!.lineId, workOrderId: uuidv7(), outcome: 'ALREADY_SHIPPED' },
          { lineId: l2!.lineId, workOrderId: uuidv7(), outcome: 'CANCELLED' },
        ],
        orderStatus: 'SHIPPED',
        orderVersion: 9,
        appliedAt: new Date().toISOString(),
      },
      o.id,
      9,
    );
    const now = await get(o.id);
    assert.deepEqual(
      [now.status, now.lines.map((l) => [l.status, l.cancellationOutcome])],
      [
        'SHIPPED',
        [
          ['SHIPPED', 'ALREADY_SHIPPED'],
          ['CANCELLED', 'CANCELLED'],
        ],
      ],
    );
    assert.deepEqual(historyOf(now).at(-1), [
      'SHIPPED',
      'mes',
      'production applied the cancellation: line 1 had already shipped; line 2 cancelled',
    ]);
    assert.equal(
      await quoteStatus(l1!.quoteId!),
      'ACCEPTED',
      'the shipped line’s quote was ordered after all',
    );
    assert.equal(await quoteStatus(l2!.quoteId!), 'READY');
  });

  it('still applies version-1 events in flight: OrderApproved v1 and WorkOrderStatusChanged v1 move a one-line order and its line', async () => {
    const q = await bed.pricedQuote(alice);
    const placed = await alice.client.post<Order>('/orders', { quoteId: q });
    assert.equal(placed.status, 201);
    const o = placed.body;
    const l = o.lines[0]!;
    await publish(
      OrderApproved,
      {
        orderId: o.id,
        customerId: alice.id,
        item: {
          quoteId: q,
          name: l.name,
          material: l.material,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
        },
        approvedBy: MANAGER,
        dueAt: '2026-12-21T12:00:00.000Z',
        priority: 'RUSH',
      },
      o.id,
      2,
    );
    const v1 = (from: WorkOrderStatus, to: WorkOrderStatus, orderStatus?: OrderStatus) => ({
      workOrderId: uuidv7(),
      orderId: o.id,
      from,
      to,
      ...(orderStatus ? { orderStatus } : {}),
      changedBy: OPERATOR,
    });
    await publish(WorkOrderStatusChanged, v1('PACKED', 'SHIPPED', 'SHIPPED'), o.id, 7);
    await publish(WorkOrderStatusChanged, v1('QUEUED', 'IN_PRODUCTION', 'IN_PRODUCTION'), o.id, 2);
    const now = await get(o.id);
    assert.deepEqual([now.status, now.lines.map((x) => x.status)], ['SHIPPED', ['SHIPPED']]);
    assert.deepEqual(historyOf(now), [
      ['PLACED', 'shop', null],
      ['CONFIRMED', 'crm', 'confirmed; due 2026-12-21'],
      ['SHIPPED', 'mes', 'production: SHIPPED'],
    ]);
  });
});
