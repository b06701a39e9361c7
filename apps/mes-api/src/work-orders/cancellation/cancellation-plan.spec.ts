import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WORK_ORDER_STATUSES, WORK_ORDER_TRANSITIONS } from '@fabflow/contracts';
import { planLineCancellation } from './cancellation-plan';

describe('cancelling one line', () => {
  it('cancels what has not started, holds what is in production, leaves what is shipped', () => {
    const plans = Object.fromEntries(
      WORK_ORDER_STATUSES.map((s) => [s, planLineCancellation({ cancelled: false, live: s })]),
    );
    assert.deepEqual(plans.QUEUED, { outcome: 'CANCELLED', move: 'CANCELLED', cancelLine: true });
    assert.deepEqual(plans.ON_HOLD, { outcome: 'CANCELLED', move: 'CANCELLED', cancelLine: true });
    for (const s of ['IN_PRODUCTION', 'POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'REWORK'])
      assert.deepEqual(
        plans[s],
        { outcome: 'HELD_IN_PRODUCTION', move: 'ON_HOLD', cancelLine: true },
        s,
      );
    assert.deepEqual(plans.SHIPPED, { outcome: 'ALREADY_SHIPPED', move: null, cancelLine: false });
    for (const s of ['SCRAPPED', 'CANCELLED'])
      assert.deepEqual(plans[s], { outcome: 'CANCELLED', move: null, cancelLine: true }, s);
    assert.deepEqual(planLineCancellation({ cancelled: false, live: undefined }), {
      outcome: 'NOT_SCHEDULED',
      move: null,
      cancelLine: true,
    });
  });

  it('only ever plans a move the work-order table allows', () => {
    for (const s of WORK_ORDER_STATUSES) {
      const { move } = planLineCancellation({ cancelled: false, live: s });
      if (move) assert.ok(WORK_ORDER_TRANSITIONS[s].includes(move), `${s} → ${move}`);
    }
  });

  it('reports what an earlier cancellation left and changes nothing', () => {
    const again = (live: (typeof WORK_ORDER_STATUSES)[number] | undefined) =>
      planLineCancellation({ cancelled: true, live });
    assert.deepEqual(again('ON_HOLD'), {
      outcome: 'HELD_IN_PRODUCTION',
      move: null,
      cancelLine: false,
    });
    assert.deepEqual(again('CANCELLED'), { outcome: 'CANCELLED', move: null, cancelLine: false });
    assert.deepEqual(again('SCRAPPED'), { outcome: 'CANCELLED', move: null, cancelLine: false });
    assert.deepEqual(again(undefined), { outcome: 'NOT_SCHEDULED', move: null, cancelLine: false });
  });
});
