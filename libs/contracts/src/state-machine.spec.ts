import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertTransition, IllegalTransitionError } from './state-machine';
import {
  ORDER_LINE_STATUSES,
  ORDER_LINE_TRANSITIONS,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  WORK_ORDER_STATUSES,
  WORK_ORDER_TRANSITIONS,
  shouldProjectOrderStatus,
} from './statuses';

describe('state machines', () => {
  it('walk the happy path of a work order', () => {
    const path = [
      'QUEUED',
      'IN_PRODUCTION',
      'POST_PROCESSING',
      'QUALITY_CHECK',
      'PACKED',
      'SHIPPED',
    ] as const;
    for (let i = 1; i < path.length; i++) {
      assertTransition('work order', WORK_ORDER_TRANSITIONS, path[i - 1]!, path[i]!);
    }
  });

  it('refuse an illegal move and list the allowed ones', () => {
    assert.throws(
      () => assertTransition('work order', WORK_ORDER_TRANSITIONS, 'QUEUED', 'SHIPPED'),
      (e: unknown) =>
        e instanceof IllegalTransitionError &&
        e.allowed.join() === 'IN_PRODUCTION,ON_HOLD,CANCELLED' &&
        /QUEUED to SHIPPED/.test(e.message),
    );
  });

  it('only target known states and make final states final', () => {
    for (const [table, states, finals] of [
      [ORDER_TRANSITIONS, ORDER_STATUSES, ['DELIVERED', 'CANCELLED']],
      [WORK_ORDER_TRANSITIONS, WORK_ORDER_STATUSES, ['SHIPPED', 'SCRAPPED', 'CANCELLED']],
      [ORDER_LINE_TRANSITIONS, ORDER_LINE_STATUSES, ['DELIVERED', 'CANCELLED']],
    ] as const) {
      for (const s of states) {
        const targets = (table as Record<string, readonly string[]>)[s]!;
        for (const t of targets)
          assert.ok((states as readonly string[]).includes(t), `${s} → ${t}`);
        assert.equal(targets.length === 0, (finals as readonly string[]).includes(s), s);
      }
    }
  });
});

describe('shouldProjectOrderStatus', () => {
  it('moves forward along the main path, even skipping steps that arrive late', () => {
    assert.equal(shouldProjectOrderStatus('AWAITING_CONFIRMATION', 'IN_PRODUCTION'), true);
    assert.equal(shouldProjectOrderStatus('PLACED', 'AWAITING_CONFIRMATION'), true);
  });
  it('ignores stale or repeated statuses and never leaves a final state', () => {
    assert.equal(shouldProjectOrderStatus('IN_PRODUCTION', 'CONFIRMED'), false);
    assert.equal(shouldProjectOrderStatus('SHIPPED', 'SHIPPED'), false);
    assert.equal(shouldProjectOrderStatus('CANCELLED', 'CONFIRMED'), false);
  });
  it('follows the table for exits', () => {
    assert.equal(shouldProjectOrderStatus('AWAITING_CONFIRMATION', 'CANCELLED'), true);
    assert.equal(shouldProjectOrderStatus('SHIPPED', 'CANCELLED'), false);
  });
});
