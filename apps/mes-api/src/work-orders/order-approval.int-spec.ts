import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '@fabflow/db';
import { waitFor } from '@fabflow/testing';
import { orderLines, OrderLoopTestBed, type Published } from './order-loop.test-bed';

/*
 * Approved orders become work orders, one per line, and every move of a work order carries the
 * status the MES derives for its line and its order, with versions that order them: a real
 * mes-api, approvals published to crm.events, moves over HTTP, events captured on mes.events.
 */

const lines = orderLines;
const times = (n: number, s: string) => Array<string>(n).fill(s);
const byOrderVersion = (events: Published[]) =>
  [...events].sort((a, b) => (a.data.orderVersion as number) - (b.data.orderVersion as number));

describe('order approval and derived production status (real Postgres, RabbitMQ)', () => {
  let bed: OrderLoopTestBed;

  before(async () => {
    bed = await OrderLoopTestBed.start('mes_approval');
  });
  after(async () => {
    await bed?.stop();
  });

  it('queues one work order per line of a 3-line order, with WorkOrderCreated v2 for each, once', async () => {
    const orderId = uuidv7();
    const ls = lines(2, 5, 1);
    // The second line's quote was priced for sla-2: its work order is planned there.
    await bed.mes.query(
      `INSERT INTO pricing_jobs (quote_id, customer_id, channel, priority, file, material_id,
         quantity, lead_time, requested_mode, requested_at, enqueued_at, status, result)
       VALUES ($1, $2, 'B2C', 1, '{}', 'pla-black', 5, 'STANDARD', 'INDICATIVE', now(), now(),
         'DONE', '{"machineId": "sla-2"}')`,
      [ls[1]!.quoteId, uuidv7()],
    );
    const messageId = await bed.approve(orderId, ls);
    const wos = await bed.waitForWorkOrders(orderId, 3);
    assert.deepEqual(
      wos.map((w) => [w.lineId, w.lineNo, w.lineCount, w.quantity, w.status, w.quoteId, w.sku]),
      ls.map((l) => [l.lineId, l.lineNo, 3, l.quantity, 'QUEUED', l.quoteId, l.name]),
    );
    assert.deepEqual(
      wos.map((w) => w.machineId),
      [null, 'sla-2', null],
    );
    assert.ok(wos.every((w) => w.orderId === orderId && w.replacesWorkOrderId === null));
    const created = await bed.waitForEvents(orderId, 'workorder.created', 3);
    assert.deepEqual(
      created
        .map((e) => e.data)
        .sort((a, b) => (a.lineNo as number) - (b.lineNo as number))
        .map((d) => [
          d.workOrderId,
          d.lineId,
          d.lineNo,
          d.lineCount,
          d.quantity,
          d.replacesWorkOrderId,
        ]),
      wos.map((w) => [w.id, w.lineId, w.lineNo, 3, w.quantity, null]),
    );
    const production = await bed.production(orderId);
    assert.equal(production.status, 'CONFIRMED');
    assert.equal(production.lineCount, 3);
    assert.equal(production.channel, 'B2C');
    assert.deepEqual(
      production.lines.map((l) => [l.lineNo, l.status, l.liveQuantity, l.scrappedQuantity]),
      [
        [1, 'PENDING', 2, 0],
        [2, 'PENDING', 5, 0],
        [3, 'PENDING', 1, 0],
      ],
    );

    // The same message again (a redelivery) and the same approval under a new message id.
    const before = await bed.duplicates();
    await bed.approve(orderId, ls, messageId);
    await waitFor(
      'the redelivery acked as a duplicate',
      async () => (await bed.duplicates()) > before,
    );
    const again = await bed.approve(orderId, ls);
    await waitFor('the second approval handled', async () => {
      const [row] = await bed.mes.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM inbox WHERE message_id = $1',
        [again],
      );
      return row!.n === 1;
    });
    assert.equal((await bed.workOrders(orderId)).length, 3);
    assert.equal(await bed.emitted(orderId, 'workorder.created.v2'), 3);
  });

  it('still accepts a v1 approval: one line whose id is the order id', async () => {
    const orderId = uuidv7();
    await bed.approveV1(orderId, 7);
    const [wo, ...rest] = await bed.waitForWorkOrders(orderId, 1);
    assert.equal(rest.length, 0);
    assert.equal(wo!.lineId, orderId);
    assert.deepEqual([wo!.lineNo, wo!.lineCount, wo!.quantity, wo!.priority], [1, 1, 7, 'RUSH']);
    const [created] = await bed.waitForEvents(orderId, 'workorder.created', 1);
    assert.equal(created!.data.lineId, orderId);
    assert.equal(await bed.emitted(orderId, 'workorder.created.v1'), 0, 'v1 is not emitted');
    const production = await bed.production(orderId);
    assert.equal(production.channel, null);
    assert.deepEqual(
      production.lines.map((l) => [l.lineId, l.status]),
      [[orderId, 'PENDING']],
    );
  });

  it('derives each line and the order per move: IN_PRODUCTION, PARTIALLY_SHIPPED, SHIPPED, with rising versions', async () => {
    const orderId = uuidv7();
    await bed.approve(orderId, lines(1, 1, 1));
    const [a, b, c] = await bed.waitForWorkOrders(orderId, 3);

    await bed.advance(a!.id, 'IN_PRODUCTION');
    const [changed] = await bed.waitForEvents(orderId, 'workorder.status_changed', 1);
    assert.deepEqual(
      [changed!.data.lineId, changed!.data.lineStatus, changed!.data.orderStatus],
      [a!.lineId, 'IN_PRODUCTION', 'IN_PRODUCTION'],
    );
    assert.equal((await bed.production(orderId)).status, 'IN_PRODUCTION');

    await bed.advance(a!.id, 'SHIPPED');
    await bed.advance(b!.id, 'IN_PRODUCTION');
    const mid = await bed.production(orderId);
    assert.deepEqual(
      [mid.status, ...mid.lines.map((l) => l.status)],
      ['PARTIALLY_SHIPPED', 'SHIPPED', 'IN_PRODUCTION', 'PENDING'],
    );
    // A hold keeps its reason on the work order and holds the line and the order.
    await bed.move(b!.id, 'ON_HOLD', 'waiting for a spare nozzle');
    const held = await bed.detail(b!.id);
    assert.equal(held.holdReason, 'waiting for a spare nozzle');
    assert.deepEqual(
      [held.line.status, held.line.holdReason, (await bed.production(orderId)).status],
      ['ON_HOLD', 'waiting for a spare nozzle', 'ON_HOLD'],
    );
    await bed.move(b!.id, 'IN_PRODUCTION');
    assert.equal((await bed.detail(b!.id)).holdReason, null, 'cleared when it moves on');
    await bed.advance(b!.id, 'SHIPPED');
    await bed.advance(c!.id, 'SHIPPED');
    const done = await bed.production(orderId);
    assert.deepEqual(
      [done.status, ...done.lines.map((l) => l.status)],
      ['SHIPPED', 'SHIPPED', 'SHIPPED', 'SHIPPED'],
    );

    // 5 + 7 + 5 moves; every event has its own order version, and each line's versions rise.
    const events = byOrderVersion(await bed.waitForEvents(orderId, 'workorder.status_changed', 17));
    assert.equal(events.length, 17);
    const versions = events.map((e) => e.data.orderVersion as number);
    assert.deepEqual(versions, [...new Set(versions)], 'one order version per event');
    assert.equal(versions.at(-1), done.version);
    assert.deepEqual(
      events.map((e) => e.data.orderStatus),
      [
        ...times(4, 'IN_PRODUCTION'), // line 1 started … packed
        ...times(2, 'PARTIALLY_SHIPPED'), // line 1 shipped, line 2 started
        'ON_HOLD', // line 2 held
        ...times(5, 'PARTIALLY_SHIPPED'), // line 2 resumed … shipped
        ...times(4, 'PARTIALLY_SHIPPED'), // line 3 started … packed
        'SHIPPED', // line 3 shipped
      ],
    );
    for (const line of done.lines) {
      const ofLine = events.filter((e) => e.data.lineId === line.lineId);
      const lineVersions = ofLine.map((e) => e.data.lineVersion as number);
      assert.deepEqual(
        lineVersions,
        [...lineVersions].sort((x, y) => x - y),
        line.lineId,
      );
      assert.equal(lineVersions.at(-1), line.version);
    }
    assert.equal(await bed.emitted(orderId, 'workorder.status_changed.v1'), 0, 'v1 is not emitted');
  });

  it('documents the production view and the new work-order fields in its OpenAPI document', async () => {
    const doc = await bed.mes.client().get<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>('/docs/json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/production-orders/{orderId}']?.get?.responses['200']);
    const text = JSON.stringify(doc.body);
    for (const field of [
      'holdReason',
      'lineNo',
      'lineCount',
      'replacesWorkOrderId',
      'scrappedQuantity',
    ])
      assert.ok(text.includes(`"${field}"`), `${field} is documented`);
  });

  it('answers bad input with a clear 4xx', async () => {
    const op = await bed.client();
    const bad = await op.get<{ detail: string }>('/production-orders/not-a-uuid');
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /orderId/);
    const missing = await op.get<{ detail: string }>(`/production-orders/${uuidv7()}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.detail, /production has no order/);
    const customer = await bed.client(uuidv7(), 'customer');
    assert.equal(
      (await customer.get(`/production-orders/${uuidv7()}`)).status,
      401,
      "the MES trusts only the CRM's (staff) tokens",
    );
  });
});
