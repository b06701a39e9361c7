import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  lineStatusFromWorkOrders,
  lineTotalCents,
  orderStatusFromLines,
  orderTotals,
} from './order-lines';
import { ORDER_TRANSITIONS, type OrderLineStatus, type OrderStatus } from './statuses';

describe('lineStatusFromWorkOrders', () => {
  it('follows the live (last) work order of the line', () => {
    assert.equal(lineStatusFromWorkOrders({ cancelled: false, workOrders: [] }), 'PENDING');
    assert.equal(lineStatusFromWorkOrders({ cancelled: false, workOrders: ['QUEUED'] }), 'PENDING');
    for (const s of [
      'IN_PRODUCTION',
      'POST_PROCESSING',
      'QUALITY_CHECK',
      'PACKED',
      'REWORK',
    ] as const)
      assert.equal(
        lineStatusFromWorkOrders({ cancelled: false, workOrders: [s] }),
        'IN_PRODUCTION',
      );
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: false, workOrders: ['SHIPPED'] }),
      'SHIPPED',
    );
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: false, delivered: true, workOrders: ['SHIPPED'] }),
      'DELIVERED',
    );
  });

  it('counts a scrapped part as replaced while its replacement lives, else held for a manager', () => {
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: false, workOrders: ['SCRAPPED', 'QUEUED'] }),
      'PENDING',
    );
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: false, workOrders: ['SCRAPPED', 'SCRAPPED'] }),
      'ON_HOLD',
    );
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: false, workOrders: ['ON_HOLD'] }),
      'ON_HOLD',
    );
  });

  it('is CANCELLED once the line is, whatever its work order still does', () => {
    assert.equal(
      lineStatusFromWorkOrders({ cancelled: true, workOrders: ['ON_HOLD'] }),
      'CANCELLED',
    );
  });
});

describe('orderStatusFromLines', () => {
  const cases: Array<[OrderLineStatus[], OrderStatus | undefined]> = [
    [['PENDING', 'PENDING'], undefined],
    [['PENDING', 'IN_PRODUCTION'], 'IN_PRODUCTION'],
    [['SHIPPED', 'IN_PRODUCTION', 'PENDING'], 'PARTIALLY_SHIPPED'],
    [['SHIPPED', 'SHIPPED', 'CANCELLED'], 'SHIPPED'],
    [['DELIVERED', 'SHIPPED'], 'SHIPPED'],
    [['DELIVERED', 'DELIVERED', 'CANCELLED'], 'DELIVERED'],
    [['SHIPPED', 'ON_HOLD'], 'ON_HOLD'],
    [['CANCELLED', 'CANCELLED'], 'CANCELLED'],
    [['CANCELLED', 'PENDING'], undefined],
  ];
  for (const [lines, want] of cases)
    it(`${lines.join(' + ')} → ${want ?? 'no change'}`, () =>
      assert.equal(orderStatusFromLines(lines), want));

  it('only ever derives moves the order table allows along production', () => {
    // Every derived status is reachable from CONFIRMED and from every other derived status
    // except where a line can no longer go back (shipped lines stay shipped).
    const derived = new Set(cases.map(([, s]) => s).filter((s) => s !== undefined));
    for (const s of derived)
      assert.ok(
        s === 'DELIVERED' || ORDER_TRANSITIONS.CONFIRMED.includes(s),
        `CONFIRMED → ${s} is in the order table`,
      );
    assert.ok(ORDER_TRANSITIONS.ON_HOLD.includes('PARTIALLY_SHIPPED'));
    assert.ok(ORDER_TRANSITIONS.PARTIALLY_SHIPPED.includes('SHIPPED'));
  });
});

describe('order totals', () => {
  it('charges lines without their own minimum top-up and applies the minimum once per order', () => {
    const tiny = { totalCents: 1500, minimumPriceAdjustmentCents: 1100 }; // a 4.00 part at a 15.00 minimum
    assert.equal(lineTotalCents(tiny), 400);
    assert.deepEqual(orderTotals([400, 400, 400], 1500), {
      subtotalCents: 1200,
      minimumOrderSurchargeCents: 300,
      totalCents: 1500,
    });
    assert.deepEqual(orderTotals([400, 2000], 1500), {
      subtotalCents: 2400,
      minimumOrderSurchargeCents: 0,
      totalCents: 2400,
    });
  });

  it('prices a one-line order exactly as its quote', () => {
    const q = { totalCents: 1500, minimumPriceAdjustmentCents: 1100 };
    assert.equal(orderTotals([lineTotalCents(q)], 1500).totalCents, q.totalCents);
  });
});
