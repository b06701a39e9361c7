import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { z } from 'zod';
import {
  SERVICE_IDS,
  OrderApproved,
  OrderApprovedV2,
  OrderCancelled,
  OrderCancelledByCustomer,
  type EventData,
  type EventDefinition,
  type OrderLine,
  type ProductionOrderView,
  type WorkOrderDetail,
  type WorkOrderView,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { declareExchange, envelopeHeaders, publishOptions } from '@fabflow/messaging';
import { IsolatedService, scrapeMetric, TestTokenIssuer, waitFor } from '@fabflow/testing';

export const OPERATOR = '00000000-0000-7000-8000-0000000d0001';
export const MANAGER = '00000000-0000-7000-8000-0000000d0002';

export type Line = z.infer<typeof OrderLine>;
export type View = z.infer<typeof WorkOrderView>;
export type Detail = z.infer<typeof WorkOrderDetail>;
export type Production = z.infer<typeof ProductionOrderView>;

/** The lines of a new order, with these quantities. */
export function orderLines(...quantities: number[]): Line[] {
  return quantities.map((quantity, i) => ({
    lineId: uuidv7(),
    lineNo: i + 1,
    quoteId: uuidv7(),
    name: `part-${i + 1}.stl`,
    material: 'pla-black',
    quantity,
    unitPriceCents: 400,
    totalCents: 400 * quantity,
  }));
}

/** An event the MES published, as a consumer receives it. */
export interface Published {
  id: string;
  type: string;
  subject: string;
  version: number;
  data: Record<string, unknown>;
}

/**
 * One real mes-api process on its own database and vhost, driven as the CRM and the shop drive
 * it (their events, published to their exchanges) and as an operator does (HTTP); every event
 * the MES publishes is captured by a queue of the test's own.
 */
export class OrderLoopTestBed {
  readonly published: Published[] = [];

  private constructor(
    readonly mes: IsolatedService,
    private readonly conn: ChannelModel,
    private readonly ch: ConfirmChannel,
    /** Signs staff tokens as the CRM does (the MES trusts its JWKS). */
    private readonly staff: TestTokenIssuer,
    /** Signs customer tokens as the shop does (the MES trusts none of them). */
    private readonly shop: TestTokenIssuer,
  ) {}

  static async start(label: string, env: Record<string, string> = {}) {
    const staff = await TestTokenIssuer.start();
    const shop = await TestTokenIssuer.start(SERVICE_IDS.shop);
    const mes = await IsolatedService.start('mes-api', label, { ...staff.env, ...env });
    const conn = await amqp.connect(mes.vhost.url);
    const ch = await conn.createConfirmChannel();
    const bed = new OrderLoopTestBed(mes, conn, ch, staff, shop);
    for (const exchange of ['crm.events', 'shop.events', 'mes.events'])
      await declareExchange(ch, exchange);
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, 'mes.events', '#');
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        const h = m.properties.headers as Record<string, string>;
        bed.published.push({
          id: h['ce-id']!,
          type: h['ce-type']!,
          subject: h['ce-subject']!,
          version: Number(h['ce-version']),
          data: JSON.parse(m.content.toString()) as Record<string, unknown>,
        });
      },
      { noAck: true },
    );
    return bed;
  }

  async stop() {
    await this.conn.close().catch(() => undefined);
    await this.mes.stop();
    await this.staff.stop();
    await this.shop.stop();
  }

  async client(
    userId = OPERATOR,
    role: 'operator' | 'manager' | 'admin' | 'customer' = 'operator',
  ) {
    const issuer = role === 'customer' ? this.shop : this.staff;
    return this.mes.client(await issuer.token(userId, role));
  }

  /** Publishes an event as its producer's relay would; `id` repeats a delivery. */
  async publish<E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    subject: string,
    id: string = uuidv7(),
  ): Promise<string> {
    const headers = envelopeHeaders({
      id,
      type: def.type,
      source: `fabflow/${def.exchange.split('.')[0]}`,
      subject,
      time: new Date().toISOString(),
      version: 1,
    });
    this.ch.publish(
      def.exchange,
      def.routingKey,
      Buffer.from(JSON.stringify(data)),
      publishOptions(headers),
    );
    await this.ch.waitForConfirms();
    return id;
  }

  /** A manager's approval (v2) of an order of these lines. */
  approve(orderId: string, lines: Line[], id?: string) {
    return this.publish(
      OrderApprovedV2,
      {
        orderId,
        customerId: uuidv7(),
        channel: 'B2C',
        lines,
        approvedBy: MANAGER,
        dueAt: '2027-03-01T12:00:00Z',
        priority: 'NORMAL',
      },
      orderId,
      id,
    );
  }

  /** A v1 approval (one item), as messages in flight still carry it. */
  approveV1(orderId: string, quantity: number) {
    return this.publish(
      OrderApproved,
      {
        orderId,
        customerId: uuidv7(),
        item: {
          quoteId: uuidv7(),
          name: 'bracket.stl',
          material: 'pla-black',
          quantity,
          unitPriceCents: 250,
        },
        approvedBy: MANAGER,
        dueAt: '2027-03-01T12:00:00Z',
        priority: 'RUSH',
      },
      orderId,
    );
  }

  cancelByCustomer(orderId: string, id?: string) {
    return this.publish(
      OrderCancelledByCustomer,
      {
        orderId,
        customerId: uuidv7(),
        reason: 'ordered the wrong size',
        cancelledAt: new Date().toISOString(),
      },
      orderId,
      id,
    );
  }

  cancelByManager(orderId: string, lineIds: string[] | null, id?: string) {
    return this.publish(
      OrderCancelled,
      {
        orderId,
        cancelledBy: MANAGER,
        reason: 'customer called: not needed any more',
        lineIds,
        cancelledAt: new Date().toISOString(),
      },
      orderId,
      id,
    );
  }

  /** The events of one order the MES published, by version 2 type name (`workorder.created`). */
  eventsOf(orderId: string, name: string, version = 2): Published[] {
    const type = name === 'order.cancellation_applied' ? 1 : version;
    return this.published.filter(
      (e) => e.type === `fabflow.mes.${name}.v${type}` && e.data.orderId === orderId,
    );
  }

  /** Waits until `n` events of the order of that name have been published. */
  waitForEvents(orderId: string, name: string, n: number): Promise<Published[]> {
    return waitFor(`${n} × ${name} of ${orderId}`, () => {
      const found = this.eventsOf(orderId, name);
      return found.length >= n && found;
    });
  }

  /** Waits for the first published event of the order of that name that `match`es. */
  waitForEvent(
    orderId: string,
    name: string,
    match: (data: Record<string, unknown>) => boolean,
  ): Promise<Published> {
    return waitFor(`a ${name} of ${orderId}`, () =>
      this.eventsOf(orderId, name).find((e) => match(e.data)),
    );
  }

  /**
   * How many events of the order of that name (`workorder.created.v1`, say: version included)
   * the MES has written to its outbox: exact once the change has committed, published or not.
   */
  async emitted(orderId: string, typeName: string): Promise<number> {
    const [row] = await this.mes.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = $1 AND payload->>'orderId' = $2`,
      [`fabflow.mes.${typeName}`, orderId],
    );
    return row!.n;
  }

  /** The order's work orders, by line and then oldest first. */
  async workOrders(orderId: string): Promise<View[]> {
    const res = await (
      await this.client()
    ).get<{ items: View[] }>(`/work-orders?orderId=${orderId}&limit=200`);
    if (res.status !== 200) throw new Error(`list: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items.sort(
      (a, b) =>
        a.lineNo - b.lineNo || a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : 1),
    );
  }

  async waitForWorkOrders(orderId: string, n: number): Promise<View[]> {
    return waitFor(`${n} work orders of ${orderId}`, async () => {
      const wos = await this.workOrders(orderId);
      return wos.length >= n && wos;
    });
  }

  async production(orderId: string): Promise<Production> {
    const res = await (await this.client()).get<Production>(`/production-orders/${orderId}`);
    if (res.status !== 200)
      throw new Error(`production: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async detail(id: string): Promise<Detail> {
    return (await (await this.client()).get<Detail>(`/work-orders/${id}`)).body;
  }

  /** Moves a work order (taking it first if nobody holds it); fails on anything but 200. */
  async move(id: string, to: string, reason?: string): Promise<View> {
    const op = await this.client();
    const current = (await op.get<View>(`/work-orders/${id}`)).body;
    if (current.assigneeId === null) await op.post(`/work-orders/${id}/claim`);
    const res = await op.post<View>(`/work-orders/${id}/transitions`, {
      to,
      ...(reason ? { reason } : {}),
    });
    if (res.status !== 200) throw new Error(`${to}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Moves a work order along the main path to `to` (QUEUED → … → SHIPPED). */
  async advance(id: string, to: string): Promise<View> {
    const path = ['IN_PRODUCTION', 'POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'SHIPPED'];
    const from = (await this.detail(id)).status;
    let view: View | undefined;
    for (const step of path.slice(path.indexOf(from) + 1, path.indexOf(to) + 1))
      view = await this.move(id, step);
    if (!view) throw new Error(`${id} is ${from} already`);
    return view;
  }

  /** Messages the MES gave up on (its mes.orders DLQ). */
  async dlqDepth(): Promise<number> {
    return (await this.ch.checkQueue('mes.orders.dlq')).messageCount;
  }

  /** Deliveries of mes.orders the MES acked without effect (already in its inbox). */
  duplicates(): Promise<number> {
    return scrapeMetric(`${this.mes.url}/metrics`, 'fabflow_consumer_messages_total', {
      queue: 'mes.orders',
      outcome: 'duplicate',
    });
  }
}
