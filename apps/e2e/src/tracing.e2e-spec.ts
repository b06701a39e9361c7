import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';
import {
  placeOrder,
  journeyClients,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from './support/journey';
import { OtlpReceiver, SpanKind, type ReceivedSpan } from './support/otlp-receiver';

const LABEL = 'tracing';

/** The JSON log lines of one service's process in this test. */
function logLines(service: 'shop' | 'crm' | 'mes'): Array<Record<string, unknown>> {
  return readFileSync(join(REPO_ROOT, 'test-results', `${LABEL}-${service}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('tracing: each command on an order is one trace across shop, CRM and MES (OTLP receiver)', () => {
  let receiver: OtlpReceiver;
  let sys: FabflowSystem;

  before(async () => {
    receiver = await OtlpReceiver.start();
    sys = await FabflowSystem.start(LABEL, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Nothing is exported while the services run: every span reaches the receiver through
        // the flush on shutdown, which this test therefore proves too.
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      },
    });
  });
  after(async () => {
    await sys?.stop();
    await receiver?.stop();
  });

  it('links HTTP → publish → process → publish → process by parent span, with messaging attributes and the order id', async () => {
    const { shop, crm, mes } = await journeyClients(sys);

    const orderId = await placeOrder(shop);
    await waitForShopStatus(shop, orderId, 'AWAITING_CONFIRMATION');
    const approved = await crm.post(`/orders/${orderId}/approve`, {
      priority: 'NORMAL',
      dueInDays: 5,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const wo = await waitForWorkOrder(mes, orderId);
    assert.equal((await mes.post(`/work-orders/${wo.id as string}/claim`)).status, 200);
    const moved = await mes.post(`/work-orders/${wo.id as string}/transitions`, {
      to: 'IN_PRODUCTION',
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await waitForShopStatus(shop, orderId, 'IN_PRODUCTION');
    await waitForCrmStatus(crm, orderId, 'IN_PRODUCTION');

    assert.equal(receiver.spans.length, 0, 'spans wait in the batch until shutdown');
    assert.deepEqual(
      await Promise.all([sys.shop.stop(), sys.crm.stop(), sys.mes.stop()]),
      [0, 0, 0],
    );
    const spans = receiver.spans;
    assert.ok(spans.length > 0, 'the shutdown flush exported the batched spans');

    const ofOrder = (s: ReceivedSpan) => s.attributes['fabflow.order_id'] === orderId;
    const describeSpan = (s: ReceivedSpan) => `${s.name} [${s.service}]`;

    /** The one server span of a route, carrying the order id. */
    const httpSpan = (name: string, service: string): ReceivedSpan => {
      const found = spans.filter((s) => s.name === name && s.service === service && ofOrder(s));
      assert.equal(found.length, 1, `one ${name} span of ${service} for the order`);
      const span = found[0]!;
      assert.equal(span.kind, SpanKind.SERVER);
      assert.equal(span.attributes['http.route'], name.split(' ')[1]);
      return span;
    };

    /**
     * The one span named `name` whose parent is `parent`: same trace, the right service and kind,
     * and the order id.
     */
    const childOf = (
      parent: ReceivedSpan,
      name: string,
      service: string,
      eventType: string,
    ): ReceivedSpan => {
      const found = spans.filter(
        (s) =>
          s.parentSpanId === parent.spanId &&
          s.name === name &&
          s.attributes['cloudevents.event_type'] === eventType,
      );
      assert.equal(
        found.length,
        1,
        `one ${name} (${eventType}) under ${describeSpan(parent)}; children: ${spans
          .filter((s) => s.parentSpanId === parent.spanId)
          .map(describeSpan)
          .join(', ')}`,
      );
      const span = found[0]!;
      assert.equal(span.traceId, parent.traceId, `${name} is in its parent's trace`);
      assert.equal(span.service, service, `${name} comes from ${service}`);
      assert.equal(span.kind, name.endsWith(' publish') ? SpanKind.PRODUCER : SpanKind.CONSUMER);
      assert.ok(ofOrder(span), `${name} carries fabflow.order_id`);
      assert.equal(span.statusCode, 0, `${name} did not fail`);
      return span;
    };

    // 1. The customer places the order: shop HTTP → shop.events → CRM → crm.events → shop.
    const place = httpSpan('POST /orders', 'shop-api');
    const placed = childOf(
      place,
      'shop.events publish',
      'shop-api',
      'fabflow.shop.order.placed.v2',
    );
    const crmPlaced = childOf(
      placed,
      'crm.orders process',
      'crm-api',
      placed.attributes['cloudevents.event_type'] as string,
    );
    const received = childOf(
      crmPlaced,
      'crm.events publish',
      'crm-api',
      'fabflow.crm.order.received.v1',
    );
    childOf(received, 'shop.order-status process', 'shop-api', 'fabflow.crm.order.received.v1');

    // 2. The manager approves: CRM HTTP → crm.events → MES → mes.events → CRM; and → shop.
    const approve = httpSpan('POST /orders/:id/approve', 'crm-api');
    const approvedEvt = childOf(
      approve,
      'crm.events publish',
      'crm-api',
      'fabflow.crm.order.approved.v2',
    );
    const mesApproved = childOf(
      approvedEvt,
      'mes.orders process',
      'mes-api',
      'fabflow.crm.order.approved.v2',
    );
    const woCreated = childOf(
      mesApproved,
      'mes.events publish',
      'mes-api',
      'fabflow.mes.workorder.created.v2',
    );
    childOf(woCreated, 'crm.orders process', 'crm-api', 'fabflow.mes.workorder.created.v2');
    childOf(approvedEvt, 'shop.order-status process', 'shop-api', 'fabflow.crm.order.approved.v2');

    // 3. The operator starts production: MES HTTP → mes.events → CRM and shop.
    const transition = httpSpan('POST /work-orders/:id/transitions', 'mes-api');
    const changed = childOf(
      transition,
      'mes.events publish',
      'mes-api',
      'fabflow.mes.workorder.status_changed.v2',
    );
    childOf(changed, 'crm.orders process', 'crm-api', 'fabflow.mes.workorder.status_changed.v2');
    childOf(
      changed,
      'shop.order-status process',
      'shop-api',
      'fabflow.mes.workorder.status_changed.v2',
    );

    // Three commands, three traces; no messaging hop of the order ever started a trace of its own.
    const commandTraces = new Set([place.traceId, approve.traceId, transition.traceId]);
    assert.equal(commandTraces.size, 3);
    const hops = spans.filter(
      (s) => ofOrder(s) && (s.kind === SpanKind.PRODUCER || s.kind === SpanKind.CONSUMER),
    );
    // 4 + 5 + 3 above; a redelivery would add a process span, still in its command's trace.
    assert.ok(hops.length >= 12, hops.map(describeSpan).join(', '));
    for (const hop of hops)
      assert.ok(commandTraces.has(hop.traceId), `${describeSpan(hop)} is in a command's trace`);

    // Messaging semantic conventions on both ends of one hop.
    assert.deepEqual(
      {
        system: placed.attributes['messaging.system.name'],
        type: placed.attributes['messaging.operation.type'],
        destination: placed.attributes['messaging.destination.name'],
        routingKey: placed.attributes['rabbitmq.destination.routing_key'],
      },
      { system: 'rabbitmq', type: 'send', destination: 'shop.events', routingKey: 'order.placed' },
    );
    assert.deepEqual(
      {
        system: crmPlaced.attributes['messaging.system.name'],
        type: crmPlaced.attributes['messaging.operation.type'],
        destination: crmPlaced.attributes['messaging.destination.name'],
        messageId: crmPlaced.attributes['messaging.message.id'],
        outcome: crmPlaced.attributes['fabflow.consume.outcome'],
      },
      {
        system: 'rabbitmq',
        type: 'process',
        destination: 'crm.orders',
        messageId: placed.attributes['messaging.message.id'],
        outcome: 'handled',
      },
    );

    // The handler's queries are children of its process span: pg was instrumented in time.
    const queries = spans.filter(
      (s) => s.parentSpanId === crmPlaced.spanId && s.kind === SpanKind.CLIENT,
    );
    assert.ok(
      queries.some((s) => s.attributes['db.system.name'] === 'postgresql'),
      `pg spans under crm.orders process: ${queries.map(describeSpan).join(', ')}`,
    );

    // Health checks and scrapes are not traced.
    assert.ok(!spans.some((s) => /^\/(health|metrics)/.test(String(s.attributes['url.path']))));

    // Logs: the consumer's line for that delivery carries its trace, its span and the order.
    const handled = logLines('crm').find(
      (l) =>
        l.msg === 'event handled' &&
        l.event_type === 'fabflow.shop.order.placed.v2' &&
        l.order_id === orderId,
    );
    assert.ok(handled, 'the CRM logged handling OrderPlaced');
    assert.equal(handled.trace_id, place.traceId);
    assert.equal(handled.span_id, crmPlaced.spanId);
    assert.equal(typeof handled.correlation_id, 'string');
    const request = logLines('shop').find(
      (l) => l.msg === 'request' && l.url === '/orders' && l.order_id === orderId,
    );
    assert.ok(request, 'the shop logged POST /orders');
    assert.equal(request.trace_id, place.traceId);
    assert.equal(request.span_id, place.spanId);
  });
});
