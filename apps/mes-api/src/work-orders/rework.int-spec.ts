import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '@fabflow/db';
import { orderLines, OrderLoopTestBed } from './order-loop.test-bed';

/*
 * Rework against a real mes-api (REWORK_MAX_REPLACEMENTS at its default, 2): a scrapped part of
 * a live line is replaced by a new work order in the same transaction, up to the cap; after it
 * the line and the order wait for a manager. The parts of each line add up.
 */

const lines = orderLines;

describe('rework: replacements for scrapped parts (real Postgres, RabbitMQ)', () => {
  let bed: OrderLoopTestBed;

  before(async () => {
    bed = await OrderLoopTestBed.start('mes_rework');
  });
  after(async () => {
    await bed?.stop();
  });

  it('replaces a part scrapped at quality check with a QUEUED work order for the same line, which ships', async () => {
    const orderId = uuidv7();
    await bed.approve(orderId, lines(4, 1));
    const [first, other] = await bed.waitForWorkOrders(orderId, 2);
    await bed.advance(first!.id, 'QUALITY_CHECK');
    await bed.move(first!.id, 'SCRAPPED', 'layer shift');

    const [, replacement] = (await bed.waitForWorkOrders(orderId, 3)).filter(
      (w) => w.lineId === first!.lineId,
    );
    assert.ok(replacement);
    assert.deepEqual(
      [
        replacement.status,
        replacement.quantity,
        replacement.dueAt,
        replacement.priority,
        replacement.machineId,
        replacement.quoteId,
        replacement.replacesWorkOrderId,
        replacement.assigneeId,
      ],
      [
        'QUEUED',
        4,
        first!.dueAt,
        first!.priority,
        first!.machineId,
        first!.quoteId,
        first!.id,
        null,
      ],
    );
    const created = await bed.waitForEvent(
      orderId,
      'workorder.created',
      (d) => d.workOrderId === replacement.id,
    );
    assert.equal(created.data.replacesWorkOrderId, first!.id);
    const scrap = await bed.waitForEvent(
      orderId,
      'workorder.status_changed',
      (d) => d.to === 'SCRAPPED',
    );
    assert.deepEqual(
      [scrap.data.lineStatus, scrap.data.orderStatus],
      ['PENDING', 'IN_PRODUCTION'],
      'the line is made again; the order stays in production',
    );
    const detail = await bed.detail(replacement.id);
    assert.deepEqual(
      [detail.line.replacements, detail.line.liveQuantity, detail.line.scrappedQuantity],
      [1, 4, 4],
    );
    assert.deepEqual(
      detail.line.workOrders.map((w) => [w.id, w.status, w.replacesWorkOrderId]),
      [
        [first!.id, 'SCRAPPED', null],
        [replacement.id, 'QUEUED', first!.id],
      ],
    );

    await bed.advance(replacement.id, 'SHIPPED');
    await bed.advance(other!.id, 'SHIPPED');
    const production = await bed.production(orderId);
    assert.deepEqual(
      [
        production.status,
        ...production.lines.map((l) => [l.status, l.liveQuantity, l.scrappedQuantity]),
      ],
      ['SHIPPED', ['SHIPPED', 4, 4], ['SHIPPED', 1, 0]],
    );
  });

  it('stops replacing after REWORK_MAX_REPLACEMENTS: the line and the order go ON_HOLD for a manager', async () => {
    const orderId = uuidv7();
    await bed.approve(orderId, lines(3, 2));
    const [first, other] = await bed.waitForWorkOrders(orderId, 2);
    await bed.advance(other!.id, 'IN_PRODUCTION');
    // Scrapped from quality check, from production, from rework: each is a scrapped part.
    await bed.advance(first!.id, 'QUALITY_CHECK');
    await bed.move(first!.id, 'SCRAPPED', 'warped');
    const second = (await bed.waitForWorkOrders(orderId, 3)).filter((w) => w.lineNo === 1).at(-1)!;
    assert.equal(second.replacesWorkOrderId, first!.id);
    await bed.advance(second.id, 'IN_PRODUCTION');
    await bed.move(second.id, 'SCRAPPED', 'nozzle clog');
    const third = (await bed.waitForWorkOrders(orderId, 4)).filter((w) => w.lineNo === 1).at(-1)!;
    assert.equal(third.replacesWorkOrderId, second.id);
    await bed.advance(third.id, 'QUALITY_CHECK');
    await bed.move(third.id, 'REWORK', 'support marks');
    await bed.move(third.id, 'SCRAPPED', 'cracked in rework');

    const wos = await bed.workOrders(orderId);
    assert.equal(wos.length, 4, 'no fourth work order for line 1');
    const production = await bed.production(orderId);
    const [line1, line2] = production.lines;
    assert.deepEqual(
      [production.status, line1!.status, line1!.holdReason, line1!.replacements, line2!.status],
      ['ON_HOLD', 'ON_HOLD', 'scrapped 3 times: a manager decides', 2, 'IN_PRODUCTION'],
    );
    assert.deepEqual(
      [line1!.liveQuantity, line1!.scrappedQuantity, line1!.workOrders.length],
      [0, 9, 3],
      'nothing live, three scrapped parts of 3',
    );
    const last = await bed.waitForEvent(
      orderId,
      'workorder.status_changed',
      (d) => d.workOrderId === third.id && d.to === 'SCRAPPED',
    );
    assert.deepEqual(
      [last.data.lineStatus, last.data.orderStatus, last.data.holdReason],
      ['ON_HOLD', 'ON_HOLD', 'scrapped 3 times: a manager decides'],
    );

    // The manager cancels the line in the CRM: the order follows its other line again.
    await bed.cancelByManager(orderId, [first!.lineId]);
    const [applied] = await bed.waitForEvents(orderId, 'order.cancellation_applied', 1);
    assert.deepEqual(applied!.data.lines, [
      { lineId: first!.lineId, workOrderId: third.id, outcome: 'CANCELLED' },
    ]);
    const after = await bed.production(orderId);
    assert.deepEqual(
      [after.status, after.lines[0]!.status, after.lines[0]!.holdReason],
      ['IN_PRODUCTION', 'CANCELLED', null],
    );
  });
});
