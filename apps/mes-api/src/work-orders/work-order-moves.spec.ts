import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WORK_ORDER_TRANSITIONS } from '@fabflow/contracts';
import { allowedMoves } from './work-order-moves';

describe('a work order’s moves', () => {
  it('are the table’s while its line lives', () => {
    assert.deepEqual(
      allowedMoves({ status: 'ON_HOLD', line_cancelled: false }),
      WORK_ORDER_TRANSITIONS.ON_HOLD,
    );
  });

  it('are scrap or finish to stock once its line is cancelled', () => {
    assert.deepEqual(allowedMoves({ status: 'ON_HOLD', line_cancelled: true }), [
      'SCRAPPED',
      'CANCELLED',
    ]);
    assert.deepEqual(allowedMoves({ status: 'SHIPPED', line_cancelled: true }), []);
  });
});
