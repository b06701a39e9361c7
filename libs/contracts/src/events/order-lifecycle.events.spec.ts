import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CATALOGUE } from './catalogue';
import { linesOfLegacyOrder, OrderCancelled, OrderPlaced, OrderPlacedV2 } from './order.events';
import { QuoteReviewed } from './quote.events';
import { OrderCancellationApplied, WorkOrderStatusChangedV2 } from './work-order.events';

const uuid = (n: number) => `0193a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const at = '2026-12-05T10:00:00.000Z';
const line = (n: number, quoteId = uuid(100 + n)) => ({
  lineId: uuid(200 + n),
  lineNo: n,
  quoteId,
  name: `part-${n}.stl`,
  material: 'pla-black',
  quantity: 2,
  unitPriceCents: 700,
  totalCents: 1400,
});
const placed = (lines: unknown[]) => ({
  orderId: uuid(1),
  customerId: uuid(2),
  channel: 'B2C',
  lines,
  subtotalCents: 4200,
  minimumOrderSurchargeCents: 0,
  totalCents: 4200,
  currency: 'EUR',
  placedAt: at,
});

describe('order lifecycle events', () => {
  it('keep one routing key per event name across versions, each version its own type', () => {
    const placedTypes = EVENT_CATALOGUE.filter((e) => e.routingKey === 'order.placed');
    assert.deepEqual(
      placedTypes.map((e) => e.type),
      ['fabflow.shop.order.placed.v1', 'fabflow.shop.order.placed.v2'],
    );
    assert.equal(OrderPlaced.name, OrderPlacedV2.name);
  });

  it('OrderPlaced v2 takes 1 to 50 lines, each quote once', () => {
    const ok = OrderPlacedV2.schema.safeParse(placed([line(1), line(2), line(3)]));
    assert.ok(ok.success, JSON.stringify(ok.error?.issues));
    assert.equal(OrderPlacedV2.schema.safeParse(placed([])).success, false);
    const fiftyOne = Array.from({ length: 51 }, (_, i) => line((i % 50) + 1, uuid(300 + i)));
    assert.equal(OrderPlacedV2.schema.safeParse(placed(fiftyOne)).success, false);
    const twice = OrderPlacedV2.schema.safeParse(placed([line(1), line(2, uuid(101))]));
    assert.equal(twice.success, false);
    assert.match(JSON.stringify(twice.error?.issues), /a quote is ordered once per order/);
  });

  it('reads a v1 order as one line whose id is the order id', () => {
    const item = {
      quoteId: uuid(9),
      name: 'a.stl',
      material: 'pla-black',
      quantity: 3,
      unitPriceCents: 500,
    };
    assert.deepEqual(linesOfLegacyOrder({ orderId: uuid(1), item, totalCents: 1500 }), [
      { lineId: uuid(1), lineNo: 1, ...item, totalCents: 1500 },
    ]);
  });

  it('a review approval carries a price, a rejection a reason and no price', () => {
    const base = {
      quoteId: uuid(1),
      customerId: uuid(2),
      reviewedBy: uuid(3),
      leadTime: null,
      validUntil: null,
      reviewedAt: at,
    };
    const rejected = { ...base, decision: 'REJECTED', reason: 'wall too thin', price: null };
    assert.ok(QuoteReviewed.schema.safeParse(rejected).success);
    assert.equal(QuoteReviewed.schema.safeParse({ ...rejected, reason: null }).success, false);
    assert.equal(
      QuoteReviewed.schema.safeParse({ ...base, decision: 'APPROVED', reason: null, price: null })
        .success,
      false,
    );
  });

  it('a manager cancels all lines (null) or some, with a reason', () => {
    const c = {
      orderId: uuid(1),
      cancelledBy: uuid(3),
      reason: 'customer called',
      cancelledAt: at,
    };
    assert.ok(OrderCancelled.schema.safeParse({ ...c, lineIds: null }).success);
    assert.ok(OrderCancelled.schema.safeParse({ ...c, lineIds: [uuid(201)] }).success);
    assert.equal(OrderCancelled.schema.safeParse({ ...c, lineIds: [] }).success, false);
    assert.equal(
      OrderCancelled.schema.safeParse({ ...c, reason: '', lineIds: null }).success,
      false,
    );
  });

  it('status changes and cancellation outcomes carry the derived statuses with their versions', () => {
    const changed = WorkOrderStatusChangedV2.schema.safeParse({
      workOrderId: uuid(5),
      orderId: uuid(1),
      lineId: uuid(201),
      from: 'IN_PRODUCTION',
      to: 'ON_HOLD',
      lineStatus: 'CANCELLED',
      lineVersion: 3,
      orderStatus: 'CANCELLED',
      orderVersion: 7,
      changedBy: uuid(3),
      reason: 'order cancelled',
      holdReason: 'order cancelled',
    });
    assert.ok(changed.success, JSON.stringify(changed.error?.issues));
    const applied = OrderCancellationApplied.schema.safeParse({
      orderId: uuid(1),
      source: 'MANAGER',
      lines: [
        { lineId: uuid(201), workOrderId: uuid(5), outcome: 'HELD_IN_PRODUCTION' },
        { lineId: uuid(202), workOrderId: null, outcome: 'NOT_SCHEDULED' },
      ],
      orderStatus: 'CANCELLED',
      orderVersion: 8,
      appliedAt: at,
    });
    assert.ok(applied.success, JSON.stringify(applied.error?.issues));
  });
});
