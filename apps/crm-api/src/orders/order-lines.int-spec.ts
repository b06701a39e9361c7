import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  OrderCancellationApplied,
  OrderCancelledByCustomer,
  OrderPlaced,
  OrderPlacedV2,
  WorkOrderCreatedV2,
  WorkOrderStatusChangedV2,
  type EventData,
  type OrderLineStatus,
  type OrderStatus,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { TestEventPublisher } from '@fabflow/messaging/testing';
import { IsolatedService, waitFor, type HttpClient } from '@fabflow/testing';

const PASSWORD = 'crm-lines-staff-password';
type Line = { lineId: string; status: OrderLineStatus; cancellationOutcome: string | null };
type Order = { status: OrderStatus; lines: Line[]; cancellation: unknown };

/*
 * The CRM's side of orders with lines, with the real broker: the test plays the shop and the
 * MES, publishing their events as their relays would, and reads the manager's view through the
 * CRM's API and what the CRM emitted from its outbox.
 */
describe('crm orders with lines: intake, approval, production by version, cancellation (real CRM, RabbitMQ)', () => {
  let crm: IsolatedService;
  let events: TestEventPublisher;
  let manager: HttpClient;
  let operator: HttpClient;

  const login = async (email: string) => {
    const res = await crm.client().post('/auth/login', { email, password: PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return crm.client(res.body.accessToken as string);
  };
  /** Publishes as the shop's or the MES's relay would; resolves once the CRM handled it. */
  const publish = async <E extends Parameters<TestEventPublisher['publish']>[0]>(
    def: E,
    data: EventData<E>,
    opts: { subject: string; version: number; id?: string },
  ) => {
    const e = await events.publish(def, data, opts);
    await waitFor(`${def.type} handled`, async () => {
      const rows = await crm.query('SELECT 1 FROM inbox WHERE message_id = $1', [e.id]);
      return rows.length === 1;
    });
    return e;
  };
  const line = (n: number) => ({
    lineId: uuidv7(),
    lineNo: n,
    quoteId: uuidv7(),
    name: `part-${n}.stl`,
    material: 'pla-black',
    quantity: n,
    unitPriceCents: 500,
    totalCents: 500 * n,
  });
  const place = async (lineCount: number) => {
    const orderId = uuidv7();
    const lines = Array.from({ length: lineCount }, (_, i) => line(i + 1));
    const total = lines.reduce((a, l) => a + l.totalCents, 0);
    const placed = await publish(
      OrderPlacedV2,
      {
        orderId,
        customerId: uuidv7(),
        channel: 'B2C',
        lines,
        subtotalCents: total,
        minimumOrderSurchargeCents: 0,
        totalCents: total,
        currency: 'EUR',
        placedAt: new Date().toISOString(),
      },
      { subject: orderId, version: 1 },
    );
    return { orderId, lines, placed };
  };
  const view = async (orderId: string) => {
    const res = await manager.get<Order>(`/orders/${orderId}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const outbox = (orderId: string, routingKey: string) =>
    crm.query<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM outbox WHERE routing_key = $1 AND payload->>'orderId' = $2 ORDER BY created_at",
      [routingKey, orderId],
    );
  const changed = (
    orderId: string,
    lineId: string,
    workOrderId: string,
    to: WorkOrderStatus,
    lineStatus: OrderLineStatus,
    versions: { wo: number; line: number; order: number },
    orderStatus?: OrderStatus,
  ) =>
    publish(
      WorkOrderStatusChangedV2,
      {
        workOrderId,
        orderId,
        lineId,
        from: 'QUEUED',
        to,
        lineStatus,
        lineVersion: versions.line,
        ...(orderStatus ? { orderStatus } : {}),
        orderVersion: versions.order,
        changedBy: uuidv7(),
        holdReason: to === 'ON_HOLD' ? 'order cancelled' : null,
      },
      { subject: workOrderId, version: versions.wo },
    );

  before(async () => {
    crm = await IsolatedService.start('crm-api', 'crmlines', {
      SEED_STAFF: 'true',
      SEED_STAFF_PASSWORD: PASSWORD,
    });
    events = await TestEventPublisher.connect(crm.vhost.url);
    manager = await login('manager@fabflow.local');
    operator = await login('operator@fabflow.local');
  });

  after(async () => {
    await events?.close();
    await crm?.stop();
  });

  it('takes a three-line order once, however often it is delivered, and approves it with every line', async () => {
    const { orderId, lines, placed } = await place(3);
    await publish(OrderPlacedV2, placed.data, { subject: orderId, version: 1, id: placed.id });
    const again = await crm.query(
      'SELECT count(*)::int AS n FROM order_lines WHERE order_id = $1',
      [orderId],
    );
    assert.equal(again[0]!.n, 3);
    const o = await view(orderId);
    assert.equal(o.status, 'AWAITING_CONFIRMATION');
    assert.deepEqual(
      o.lines.map((l) => [l.lineId, l.status]),
      lines.map((l) => [l.lineId, 'PENDING']),
    );
    assert.equal((await outbox(orderId, 'order.received')).length, 1);

    const approved = await manager.post(`/orders/${orderId}/approve`, { priority: 'RUSH' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const [ev] = await outbox(orderId, 'order.approved');
    assert.equal(
      (ev!.payload.lines as unknown[]).length,
      3,
      'OrderApproved v2 carries all three lines',
    );
    assert.deepEqual(
      (ev!.payload.lines as Array<{ lineId: string }>).map((l) => l.lineId),
      lines.map((l) => l.lineId),
    );
    assert.equal(ev!.payload.channel, 'B2C');
  });

  it('reads a version-1 order (one item) as one line whose id is the order id', async () => {
    const orderId = uuidv7();
    await publish(
      OrderPlaced,
      {
        orderId,
        customerId: uuidv7(),
        item: {
          quoteId: uuidv7(),
          name: 'v1.stl',
          material: 'pla-black',
          quantity: 2,
          unitPriceCents: 700,
        },
        totalCents: 1400,
        currency: 'EUR',
        placedAt: new Date().toISOString(),
      },
      { subject: orderId, version: 1 },
    );
    const o = await view(orderId);
    assert.deepEqual(
      o.lines.map((l) => l.lineId),
      [orderId],
    );
  });

  it('follows production by the line and order versions, whatever order the events arrive in', async () => {
    const { orderId, lines } = await place(3);
    assert.equal((await manager.post(`/orders/${orderId}/approve`, {})).status, 200);
    const wos = lines.map(() => uuidv7());
    for (const [i, l] of lines.entries())
      await publish(
        WorkOrderCreatedV2,
        {
          workOrderId: wos[i]!,
          orderId,
          lineId: l.lineId,
          lineNo: l.lineNo,
          lineCount: 3,
          quantity: l.quantity,
          status: 'QUEUED',
          dueAt: new Date().toISOString(),
          replacesWorkOrderId: null,
        },
        { subject: wos[i]!, version: 1 },
      );
    const [a, b] = lines;
    // Line 1 is shipped (order version 3) before the event of it starting (version 2) arrives.
    await changed(
      orderId,
      a!.lineId,
      wos[0]!,
      'SHIPPED',
      'SHIPPED',
      { wo: 6, line: 6, order: 3 },
      'PARTIALLY_SHIPPED',
    );
    await changed(
      orderId,
      a!.lineId,
      wos[0]!,
      'IN_PRODUCTION',
      'IN_PRODUCTION',
      { wo: 2, line: 2, order: 2 },
      'IN_PRODUCTION',
    );
    let o = await view(orderId);
    assert.equal(o.status, 'PARTIALLY_SHIPPED', 'the late, older order version is ignored');
    assert.equal(o.lines[0]!.status, 'SHIPPED', 'the late, older line version is ignored');
    await changed(
      orderId,
      b!.lineId,
      wos[1]!,
      'IN_PRODUCTION',
      'IN_PRODUCTION',
      { wo: 2, line: 2, order: 4 },
      'PARTIALLY_SHIPPED',
    );
    o = await view(orderId);
    assert.deepEqual(
      o.lines.map((l) => l.status),
      ['SHIPPED', 'IN_PRODUCTION', 'PENDING'],
    );
    // Line 2 is held (order version 6: ON_HOLD); its resumption at version 5 arrives late.
    await changed(
      orderId,
      b!.lineId,
      wos[1]!,
      'ON_HOLD',
      'ON_HOLD',
      { wo: 4, line: 4, order: 6 },
      'ON_HOLD',
    );
    await changed(
      orderId,
      b!.lineId,
      wos[1]!,
      'IN_PRODUCTION',
      'IN_PRODUCTION',
      { wo: 3, line: 3, order: 5 },
      'PARTIALLY_SHIPPED',
    );
    o = await view(orderId);
    assert.equal(o.status, 'ON_HOLD', 'an older order version never overrides a newer one');
    assert.equal(o.lines[1]!.status, 'ON_HOLD', 'nor an older line version a newer one');
    const detail = await manager.get<{
      lines: Array<{ workOrders: Array<{ id: string; status: string }> }>;
    }>(`/orders/${orderId}`);
    assert.deepEqual(detail.body.lines[0]!.workOrders, [
      { id: wos[0], status: 'SHIPPED', holdReason: null, replacesWorkOrderId: null },
    ]);
  });

  it('lets a manager cancel some lines, not a shipped one, and then the rest, each with OrderCancelled', async () => {
    const { orderId, lines } = await place(3);
    assert.equal((await manager.post(`/orders/${orderId}/approve`, {})).status, 200);
    const wo = uuidv7();
    await changed(
      orderId,
      lines[2]!.lineId,
      wo,
      'SHIPPED',
      'SHIPPED',
      { wo: 6, line: 6, order: 2 },
      'PARTIALLY_SHIPPED',
    );

    const shipped = await manager.post(`/orders/${orderId}/cancel`, {
      reason: 'customer called',
      lineIds: [lines[2]!.lineId],
    });
    assert.equal(shipped.status, 409, JSON.stringify(shipped.body));
    assert.match(JSON.stringify(shipped.body), /line 3 \(SHIPPED\)/);
    const foreign = await manager.post(`/orders/${orderId}/cancel`, {
      reason: 'customer called',
      lineIds: [randomUUID()],
    });
    assert.equal(foreign.status, 422);
    assert.equal(
      (await manager.post(`/orders/${orderId}/cancel`, { lineIds: [lines[0]!.lineId] })).status,
      400,
    );
    assert.equal(
      (await outbox(orderId, 'order.cancelled')).length,
      0,
      'nothing emitted on refusals',
    );

    const one = await manager.post<Order>(`/orders/${orderId}/cancel`, {
      reason: 'customer called',
      lineIds: [lines[0]!.lineId],
    });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(
      one.body.lines.map((l) => l.status),
      ['CANCELLED', 'PENDING', 'SHIPPED'],
    );
    assert.equal(one.body.status, 'PARTIALLY_SHIPPED');
    const rest = await manager.post<Order>(`/orders/${orderId}/cancel`, { reason: 'out of stock' });
    assert.equal(rest.status, 200);
    assert.equal(
      rest.body.status,
      'SHIPPED',
      'what was not shipped is cancelled: the order is shipped',
    );
    const emitted = await outbox(orderId, 'order.cancelled');
    assert.deepEqual(
      emitted.map((e) => e.payload.lineIds),
      [[lines[0]!.lineId], null],
    );
    assert.equal(
      (await manager.post(`/orders/${orderId}/cancel`, { reason: 'again' })).status,
      409,
    );
  });

  it('cancels a whole order, records what the MES did per line, and refuses operators and unknown orders', async () => {
    const { orderId, lines } = await place(2);
    assert.equal((await operator.post(`/orders/${orderId}/cancel`, { reason: 'x' })).status, 403);
    assert.equal(
      (await manager.post(`/orders/${randomUUID()}/cancel`, { reason: 'x' })).status,
      404,
    );
    const res = await manager.post<Order>(`/orders/${orderId}/cancel`, {
      reason: 'duplicate order',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'CANCELLED');
    assert.ok(res.body.cancellation);
    await publish(
      OrderCancellationApplied,
      {
        orderId,
        source: 'MANAGER',
        lines: [
          { lineId: lines[0]!.lineId, workOrderId: null, outcome: 'NOT_SCHEDULED' },
          { lineId: lines[1]!.lineId, workOrderId: null, outcome: 'NOT_SCHEDULED' },
        ],
        orderStatus: 'CANCELLED',
        orderVersion: 1,
        appliedAt: new Date().toISOString(),
      },
      { subject: orderId, version: 1 },
    );
    const o = await view(orderId);
    assert.deepEqual(
      o.lines.map((l) => [l.status, l.cancellationOutcome]),
      [
        ['CANCELLED', 'NOT_SCHEDULED'],
        ['CANCELLED', 'NOT_SCHEDULED'],
      ],
    );
    const timeline = await manager.get<{ entries: Array<{ type: string }> }>(
      `/orders/${orderId}/timeline`,
    );
    assert.deepEqual(
      timeline.body.entries.map((e) => e.type),
      [
        'fabflow.shop.order.placed.v2',
        'fabflow.crm.order.received.v1',
        'fabflow.crm.order.cancelled.v1',
        'fabflow.mes.order.cancellation_applied.v1',
      ],
    );
  });

  it("follows the customer's own cancellation from the shop", async () => {
    const { orderId } = await place(2);
    const data: EventData<typeof OrderCancelledByCustomer> = {
      orderId,
      customerId: uuidv7(),
      reason: 'ordered the wrong size',
      cancelledAt: new Date().toISOString(),
    };
    const e = await publish(OrderCancelledByCustomer, data, { subject: orderId, version: 2 });
    await publish(OrderCancelledByCustomer, data, { subject: orderId, version: 2, id: e.id });
    const o = await view(orderId);
    assert.equal(o.status, 'CANCELLED');
    assert.deepEqual(
      o.lines.map((l) => l.status),
      ['CANCELLED', 'CANCELLED'],
    );
    assert.equal(
      (await outbox(orderId, 'order.cancelled')).length,
      0,
      'the shop announced it, not the CRM',
    );
  });
});
