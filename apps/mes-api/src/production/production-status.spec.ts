import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { lineHoldReason, lineStatus, orderStatus, type LineState } from './production-status';

const line = (
  workOrders: WorkOrderStatus[],
  opts: { cancelled?: boolean; hold?: string } = {},
): LineState => ({
  cancelled: opts.cancelled ?? false,
  workOrders,
  liveHoldReason: opts.hold ?? null,
});

describe('order status from its lines in production', () => {
  it('follows the lines once they say something (any started, some shipped, all shipped, held)', () => {
    assert.equal(
      orderStatus([line(['IN_PRODUCTION']), line(['QUEUED'])], 'CONFIRMED', false),
      'IN_PRODUCTION',
    );
    assert.equal(
      orderStatus([line(['SHIPPED']), line(['QUEUED'])], 'IN_PRODUCTION', false),
      'PARTIALLY_SHIPPED',
    );
    assert.equal(
      orderStatus([line(['SHIPPED']), line(['SHIPPED'])], 'PARTIALLY_SHIPPED', false),
      'SHIPPED',
    );
    assert.equal(
      orderStatus(
        [line(['ON_HOLD'], { hold: 'x' }), line(['SHIPPED'])],
        'PARTIALLY_SHIPPED',
        false,
      ),
      'ON_HOLD',
    );
    assert.equal(
      orderStatus([line(['QUEUED'], { cancelled: true })], 'CONFIRMED', false),
      'CANCELLED',
    );
  });

  it('keeps the order in production while a scrapped part is remade (its line is pending again)', () => {
    assert.equal(
      orderStatus([line(['SCRAPPED', 'QUEUED']), line(['QUEUED'])], 'IN_PRODUCTION', false),
      'IN_PRODUCTION',
    );
  });

  it('releases a held order when its lines are pending again: in production if a part is being remade, else confirmed', () => {
    assert.equal(orderStatus([line(['QUEUED'])], 'ON_HOLD', false), 'CONFIRMED');
    assert.equal(orderStatus([line(['SCRAPPED', 'QUEUED'])], 'ON_HOLD', false), 'IN_PRODUCTION');
    // The held line was cancelled; the other is still waiting.
    assert.equal(
      orderStatus(
        [line(['SCRAPPED', 'SCRAPPED'], { cancelled: true }), line(['QUEUED'])],
        'ON_HOLD',
        false,
      ),
      'CONFIRMED',
    );
  });

  it('knows nothing of an order without lines but its whole cancellation', () => {
    assert.equal(orderStatus([], null, false), null);
    assert.equal(orderStatus([], null, true), 'CANCELLED');
  });
});

describe('a line’s hold reason', () => {
  it('is its held work order’s, or says why a manager must decide', () => {
    assert.equal(lineHoldReason(line(['ON_HOLD'], { hold: 'order cancelled' })), 'order cancelled');
    assert.equal(lineHoldReason(line(['SCRAPPED'])), 'scrapped 1 time: a manager decides');
    assert.equal(
      lineHoldReason(line(['SCRAPPED', 'SCRAPPED', 'SCRAPPED'])),
      'scrapped 3 times: a manager decides',
    );
    assert.equal(lineHoldReason(line(['CANCELLED'])), 'work order cancelled: a manager decides');
    assert.equal(lineHoldReason(line(['SCRAPPED', 'QUEUED'])), null);
    assert.equal(
      lineHoldReason(line(['ON_HOLD'], { cancelled: true, hold: 'order cancelled' })),
      null,
    );
    assert.equal(lineStatus(line(['ON_HOLD'], { cancelled: true })), 'CANCELLED');
  });
});
