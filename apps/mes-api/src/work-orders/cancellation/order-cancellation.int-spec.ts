import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '@fabflow/db';
import { waitFor } from '@fabflow/testing';
import {
  OPERATOR,
  orderLines,
  OrderLoopTestBed,
  type Published,
  type View,
} from '../order-loop.test-bed';

/*
 * The MES's part of the cancellation saga, against a real mes-api: cancellations published as
 * the shop and the CRM publish them, before or after the approval, once or redelivered; the
 * work orders they cancel or hold, and the outcome per line the MES answers with.
 */

const lines = orderLines;
type Outcome = { lineId: string; workOrderId: string | null; outcome: string };
const outcomesOf = (e: Published) => e.data.lines as Outcome[];

describe('order cancellation in production (real Postgres, RabbitMQ)', () => {
  let bed: OrderLoopTestBed;

  before(async () => {
    bed = await OrderLoopTestBed.start('mes_cancel');
  });
  after(async () => {
    await bed?.stop();
  });

  /** An approved order of `n` one-part lines and its work orders, by line. */
  async function approved(n: number) {
    const orderId = uuidv7();
    const ls = lines(...Array<number>(n).fill(1));
    await bed.approve(orderId, ls);
    return { orderId, lines: ls, wos: await bed.waitForWorkOrders(orderId, n) };
  }

  const applied = async (orderId: string) =>
    (await bed.waitForEvents(orderId, 'order.cancellation_applied', 1))[0]!;

  it('cancels every work order of an order cancelled by its customer before production', async () => {
    const { orderId, wos } = await approved(3);
    await bed.cancelByCustomer(orderId);
    const done = await applied(orderId);
    assert.equal(done.data.source, 'CUSTOMER');
    assert.deepEqual(
      outcomesOf(done),
      wos.map((w) => ({ lineId: w.lineId, workOrderId: w.id, outcome: 'CANCELLED' })),
    );
    assert.equal(done.data.orderStatus, 'CANCELLED');
    assert.deepEqual(
      (await bed.workOrders(orderId)).map((w) => [w.status, w.lineCancelled]),
      [
        ['CANCELLED', true],
        ['CANCELLED', true],
        ['CANCELLED', true],
      ],
    );
    const moves = await bed.waitForEvents(orderId, 'workorder.status_changed', 3);
    assert.deepEqual(
      moves.map((e) => [e.data.from, e.data.to, e.data.lineStatus]),
      Array(3).fill(['QUEUED', 'CANCELLED', 'CANCELLED']),
    );
    assert.ok(
      moves.every((e) => (e.data.orderVersion as number) < (done.data.orderVersion as number)),
      'the outcome comes last in the order’s versions',
    );
    const production = await bed.production(orderId);
    assert.equal(production.status, 'CANCELLED');
    assert.equal(production.cancellation?.source, 'CUSTOMER');
    assert.equal(production.cancellation?.reason, 'ordered the wrong size');
    assert.ok(production.lines.every((l) => l.cancelled && l.status === 'CANCELLED'));
  });

  it('holds a work order in production ("order cancelled"), cancels the rest; the operator then scraps or stocks it', async () => {
    const { orderId, wos } = await approved(3);
    const [inQc, inProduction, queued] = wos as [View, View, View];
    await bed.advance(inQc.id, 'QUALITY_CHECK');
    await bed.advance(inProduction.id, 'IN_PRODUCTION');
    await bed.cancelByManager(orderId, null);
    const done = await applied(orderId);
    assert.equal(done.data.source, 'MANAGER');
    assert.deepEqual(
      outcomesOf(done).map((o) => [o.workOrderId, o.outcome]),
      [
        [inQc.id, 'HELD_IN_PRODUCTION'],
        [inProduction.id, 'HELD_IN_PRODUCTION'],
        [queued.id, 'CANCELLED'],
      ],
    );
    const after = await bed.workOrders(orderId);
    assert.deepEqual(
      after.map((w) => [w.status, w.holdReason, w.assigneeId]),
      [
        ['ON_HOLD', 'order cancelled', OPERATOR],
        ['ON_HOLD', 'order cancelled', OPERATOR],
        ['CANCELLED', null, null],
      ],
    );
    assert.deepEqual(after[0]!.allowedTransitions, ['SCRAPPED', 'CANCELLED']);
    const holds = (await bed.waitForEvents(orderId, 'workorder.status_changed', 7)).filter(
      (e) => e.data.to === 'ON_HOLD',
    );
    assert.deepEqual(
      holds.map((e) => [e.data.holdReason, e.data.lineStatus]),
      [
        ['order cancelled', 'CANCELLED'],
        ['order cancelled', 'CANCELLED'],
      ],
    );
    assert.equal((await bed.production(orderId)).status, 'CANCELLED');

    const resume = await (
      await bed.client()
    ).post<{ detail: string }>(`/work-orders/${inQc.id}/transitions`, { to: 'QUALITY_CHECK' });
    assert.equal(resume.status, 409);
    assert.match(resume.body.detail, /line of this work order was cancelled: scrap the part/);
    await bed.move(inQc.id, 'SCRAPPED', 'not needed: order cancelled');
    await bed.move(inProduction.id, 'CANCELLED', 'finished to stock');
    const final = await bed.workOrders(orderId);
    assert.deepEqual(
      final.map((w) => w.status),
      ['SCRAPPED', 'CANCELLED', 'CANCELLED'],
      'a scrapped part of a cancelled line is not replaced',
    );
    const production = await bed.production(orderId);
    assert.deepEqual(
      [production.status, production.lines.map((l) => [l.status, l.replacements])],
      [
        'CANCELLED',
        [
          ['CANCELLED', 0],
          ['CANCELLED', 0],
          ['CANCELLED', 0],
        ],
      ],
    );
  });

  it('leaves a shipped line shipped; the order ends SHIPPED with its other lines cancelled', async () => {
    const { orderId, wos } = await approved(2);
    await bed.advance(wos[0]!.id, 'SHIPPED');
    await bed.cancelByManager(orderId, null);
    const done = await applied(orderId);
    assert.deepEqual(
      outcomesOf(done).map((o) => o.outcome),
      ['ALREADY_SHIPPED', 'CANCELLED'],
    );
    const production = await bed.production(orderId);
    assert.deepEqual(
      [production.status, ...production.lines.map((l) => l.status)],
      ['SHIPPED', 'SHIPPED', 'CANCELLED'],
    );
  });

  it('cancels only the named lines; the order follows the others', async () => {
    const { orderId, wos } = await approved(3);
    await bed.cancelByManager(orderId, [wos[1]!.lineId]);
    const done = await applied(orderId);
    assert.deepEqual(outcomesOf(done), [
      { lineId: wos[1]!.lineId, workOrderId: wos[1]!.id, outcome: 'CANCELLED' },
    ]);
    assert.equal(done.data.orderStatus, 'CONFIRMED');
    assert.equal((await bed.production(orderId)).cancellation, null, 'not the whole order');
    await bed.advance(wos[0]!.id, 'SHIPPED');
    assert.equal((await bed.production(orderId)).status, 'PARTIALLY_SHIPPED');
    await bed.advance(wos[2]!.id, 'SHIPPED');
    const production = await bed.production(orderId);
    assert.deepEqual(
      [production.status, ...production.lines.map((l) => l.status)],
      ['SHIPPED', 'SHIPPED', 'CANCELLED', 'SHIPPED'],
    );

    // A line the order does not have: the message goes to the DLQ and changes nothing.
    const depth = await bed.dlqDepth();
    await bed.cancelByManager(orderId, [uuidv7()]);
    await waitFor('the bad cancellation in the DLQ', async () => (await bed.dlqDepth()) > depth);
    assert.equal((await bed.production(orderId)).version, production.version);
  });

  it('schedules nothing for an order cancelled before its approval arrived', async () => {
    const orderId = uuidv7();
    await bed.cancelByManager(orderId, null);
    const done = await applied(orderId);
    assert.deepEqual([done.data.lines, done.data.orderStatus], [[], 'CANCELLED']);
    await bed.approve(orderId, lines(1, 2));
    const production = await waitFor('the approval recorded', async () => {
      const p = await bed.production(orderId);
      return p.approvedAt !== null && p;
    });
    assert.deepEqual(
      [production.status, production.lineCount, ...production.lines.map((l) => l.status)],
      ['CANCELLED', 2, 'CANCELLED', 'CANCELLED'],
    );
    assert.deepEqual(await bed.workOrders(orderId), []);
    assert.equal(await bed.emitted(orderId, 'workorder.created.v2'), 0);

    // Some lines cancelled first: the approval makes the others only.
    const partial = uuidv7();
    const ls = lines(1, 1, 1);
    await bed.cancelByManager(partial, [ls[1]!.lineId]);
    assert.deepEqual(outcomesOf(await applied(partial)), [
      { lineId: ls[1]!.lineId, workOrderId: null, outcome: 'NOT_SCHEDULED' },
    ]);
    await bed.approve(partial, ls);
    const wos = await bed.waitForWorkOrders(partial, 2);
    assert.deepEqual(
      wos.map((w) => w.lineNo),
      [1, 3],
    );
    const p = await bed.production(partial);
    assert.deepEqual(
      [p.status, ...p.lines.map((l) => l.status)],
      ['CONFIRMED', 'PENDING', 'CANCELLED', 'PENDING'],
    );
  });

  it('applies a redelivered cancellation once, and a second cancellation changes nothing more', async () => {
    const { orderId, wos } = await approved(2);
    await bed.advance(wos[0]!.id, 'IN_PRODUCTION');
    const id = await bed.cancelByManager(orderId, null);
    await applied(orderId);
    const before = await bed.duplicates();
    await bed.cancelByManager(orderId, null, id);
    await waitFor(
      'the redelivery acked as a duplicate',
      async () => (await bed.duplicates()) > before,
    );
    await bed.cancelByCustomer(orderId);
    const [first, second] = await bed.waitForEvents(orderId, 'order.cancellation_applied', 2);
    assert.equal(await bed.emitted(orderId, 'order.cancellation_applied.v1'), 2);
    assert.deepEqual(
      outcomesOf(second!).map((o) => o.outcome),
      outcomesOf(first!).map((o) => o.outcome),
      'the second reports what the first left',
    );
    // IN_PRODUCTION by the operator, then one hold and one cancel by the cancellation.
    assert.equal(await bed.emitted(orderId, 'workorder.status_changed.v2'), 3);
    const history = await bed.mes.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_order_history
       WHERE work_order_id = ANY($1::uuid[]) AND reason LIKE 'order cancelled%'`,
      [wos.map((w) => w.id)],
    );
    assert.equal(history[0]!.n, 2);
    assert.equal((await bed.production(orderId)).cancellation?.source, 'MANAGER', 'the first');
  });

  it('ends the same whichever of approval and cancellation arrives first', async () => {
    const orders = Array.from({ length: 8 }, () => ({ orderId: uuidv7(), lines: lines(1, 1) }));
    await Promise.all(
      orders.map(async (o, i) => {
        if (i % 2 === 0) {
          await bed.approve(o.orderId, o.lines);
          await bed.cancelByCustomer(o.orderId);
        } else {
          await bed.cancelByCustomer(o.orderId);
          await bed.approve(o.orderId, o.lines);
        }
      }),
    );
    for (const o of orders) {
      await applied(o.orderId);
      const p = await waitFor(`the approval of ${o.orderId}`, async () => {
        const v = await bed.production(o.orderId);
        return v.approvedAt !== null && v;
      });
      assert.equal(p.status, 'CANCELLED', o.orderId);
      assert.ok(p.lines.every((l) => l.status === 'CANCELLED'));
      assert.ok((await bed.workOrders(o.orderId)).every((w) => w.status === 'CANCELLED'));
    }
    for (const o of orders)
      assert.equal(await bed.emitted(o.orderId, 'order.cancellation_applied.v1'), 1);
  });
});
