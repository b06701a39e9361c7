import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OrderPlacedV2, QuotePriced, QuoteRequested } from '@fabflow/contracts';
import { pricingEngineFixtures } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { journeyClients, placeOrder, waitForCrmStatus } from '../support/journey';
import { OtlpReceiver, SpanKind, type ReceivedSpan } from '../support/otlp-receiver';
import { pricedQuote } from '../support/quotes';

/*
 * A customer's quote, from the shop's HTTP request to the price on the shop's quote, is one
 * trace across four processes:
 *
 *   POST /quotes [shop-api, SERVER]
 *   └ shop.events publish [shop-api, PRODUCER]              QuoteRequested, from the shop's outbox
 *     └ mes.quotes process [mes-api, CONSUMER]               records the pricing job (+ its context)
 *       └ <queue> publish [mes-api, PRODUCER]                the dispatcher adds the BullMQ job
 *         └ <queue> process [pricing-worker, CONSUMER]       engine stages and queries as children
 *           └ mes.events publish [worker or mes relay]       QuotePriced, from the MES outbox
 *             └ shop.quotes process [shop-api, CONSUMER]     the shop's quote projection
 *
 * Ordering the READY quote is the customer's next command, so its own trace (POST /orders →
 * OrderPlaced → crm.orders process), found by the same `fabflow.quote_id`.
 */
describe('tracing: a quote journey is one trace, shop HTTP → MES → BullMQ → worker → shop (OTLP receiver)', () => {
  let receiver: OtlpReceiver;
  let sys: FabflowSystem;

  before(async () => {
    receiver = await OtlpReceiver.start();
    sys = await FabflowSystem.start('qtrace', {
      pricing: true,
      env: {
        OTEL_ENABLED: 'true',
        OTEL_TRACES_SAMPLER_RATIO: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Exported only by the flush on shutdown, like the other tracing tests.
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      },
    });
  });
  after(async () => {
    await sys?.stop();
    await receiver?.stop();
  });

  it('links every hop by parent span with its kind, messaging attributes and the quote id; the order is a trace of its own', async () => {
    const { shop, crm } = await journeyClients(sys);
    const f = pricingEngineFixtures();
    const quote = await pricedQuote(shop, {
      model: Buffer.from(f.toBinaryStl(f.torus(25, 8, 64, 32))),
      filename: 'ring.stl',
      quantity: 2,
    });
    const orderId = await placeOrder(shop, { quoteId: quote.id });
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');

    // Stop every process: their shutdown flushes the batched spans to the receiver.
    assert.deepEqual(
      await Promise.all([
        sys.pricingWorker!.stop(),
        sys.shop.stop(),
        sys.crm.stop(),
        sys.mes.stop(),
      ]),
      [0, 0, 0, 0],
    );
    const spans = receiver.spans;
    const describeSpan = (s: ReceivedSpan) =>
      `${s.name} [${s.service}${s.attributes['cloudevents.event_type'] ? ` ${String(s.attributes['cloudevents.event_type'])}` : ''}]`;
    const ofQuote = (s: ReceivedSpan) => s.attributes['fabflow.quote_id'] === quote.id;

    /**
     * The one span named `name` (of `eventType`, when given) whose parent is `parent`: in its
     * parent's trace, from one of `services`, of `kind`, with the quote id, not failed.
     */
    const childOf = (
      parent: ReceivedSpan,
      name: string,
      kind: number,
      services: string[],
      eventType?: string,
    ): ReceivedSpan => {
      const found = spans.filter(
        (s) =>
          s.parentSpanId === parent.spanId &&
          s.name === name &&
          (eventType === undefined || s.attributes['cloudevents.event_type'] === eventType),
      );
      assert.equal(
        found.length,
        1,
        `one ${name}${eventType ? ` (${eventType})` : ''} under ${describeSpan(parent)}; its children: ${
          spans
            .filter((s) => s.parentSpanId === parent.spanId)
            .map(describeSpan)
            .join(', ') || 'none'
        }`,
      );
      const span = found[0]!;
      assert.equal(span.traceId, parent.traceId, `${name} is in its parent's trace`);
      assert.ok(services.includes(span.service), `${name} comes from ${services.join(' or ')}`);
      assert.equal(span.kind, kind, `${name} is of kind ${kind}`);
      assert.ok(ofQuote(span), `${name} carries fabflow.quote_id`);
      assert.equal(span.statusCode, 0, `${name} did not fail`);
      return span;
    };
    const messaging = (s: ReceivedSpan) => ({
      system: s.attributes['messaging.system.name'],
      type: s.attributes['messaging.operation.type'],
      operation: s.attributes['messaging.operation.name'],
      destination: s.attributes['messaging.destination.name'],
    });

    // 1. The request: the shop's server span, named by route, with the quote id.
    const requests = spans.filter((s) => s.name === 'POST /quotes' && ofQuote(s));
    assert.equal(requests.length, 1, 'one POST /quotes server span for the quote');
    const request = requests[0]!;
    assert.equal(request.service, 'shop-api');
    assert.equal(request.kind, SpanKind.SERVER);
    assert.equal(request.parentSpanId, undefined, 'the request is the root of the trace');
    assert.equal(request.attributes['http.route'], '/quotes');
    assert.equal(request.attributes['http.response.status_code'], 202);

    // 2. The shop's relay publishes QuoteRequested from the row the request wrote.
    const requested = childOf(
      request,
      'shop.events publish',
      SpanKind.PRODUCER,
      ['shop-api'],
      QuoteRequested.type,
    );
    assert.deepEqual(messaging(requested), {
      system: 'rabbitmq',
      type: 'send',
      operation: 'publish',
      destination: 'shop.events',
    });
    assert.equal(requested.attributes['rabbitmq.destination.routing_key'], 'quote.requested');

    // 3. The MES consumes it and records the pricing job.
    const consumed = childOf(
      requested,
      'mes.quotes process',
      SpanKind.CONSUMER,
      ['mes-api'],
      QuoteRequested.type,
    );
    assert.deepEqual(messaging(consumed), {
      system: 'rabbitmq',
      type: 'process',
      operation: 'process',
      destination: 'mes.quotes',
    });
    assert.equal(
      consumed.attributes['messaging.message.id'],
      requested.attributes['messaging.message.id'],
    );
    assert.equal(consumed.attributes['fabflow.consume.outcome'], 'handled');

    // 4. The dispatcher adds the BullMQ job, parented by the context stored with the job row.
    const enqueued = childOf(consumed, `${sys.pricingQueue} publish`, SpanKind.PRODUCER, [
      'mes-api',
    ]);
    assert.deepEqual(messaging(enqueued), {
      system: 'bullmq',
      type: 'send',
      operation: 'publish',
      destination: sys.pricingQueue,
    });
    assert.equal(enqueued.attributes['messaging.message.id'], quote.id);

    // 5. The worker runs the job: engine stages and its queries are children of the run.
    const processed = childOf(enqueued, `${sys.pricingQueue} process`, SpanKind.CONSUMER, [
      'pricing-worker',
    ]);
    assert.deepEqual(messaging(processed), {
      system: 'bullmq',
      type: 'process',
      operation: 'process',
      destination: sys.pricingQueue,
    });
    assert.equal(processed.attributes['fabflow.pricing.outcome'], 'ready');
    const stages = spans
      .filter((s) => s.parentSpanId === processed.spanId && s.name.startsWith('pricing-engine '))
      .map((s) => s.name.replace('pricing-engine ', ''))
      .sort();
    assert.ok(
      ['parse', 'measure', 'cost'].every((stage) => stages.includes(stage)),
      `engine stages under the run: ${stages.join(', ')}`,
    );
    assert.ok(
      spans.some(
        (s) =>
          s.parentSpanId === processed.spanId && s.attributes['db.system.name'] === 'postgresql',
      ),
      'the worker’s queries nest under its process span',
    );

    // 6. QuotePriced, from the MES outbox row the run wrote (whichever relay published it).
    const priced = childOf(
      processed,
      'mes.events publish',
      SpanKind.PRODUCER,
      ['pricing-worker', 'mes-api'],
      QuotePriced.type,
    );
    assert.deepEqual(messaging(priced), {
      system: 'rabbitmq',
      type: 'send',
      operation: 'publish',
      destination: 'mes.events',
    });
    assert.equal(priced.attributes['rabbitmq.destination.routing_key'], 'quote.priced');

    // 7. The shop's quote projection makes the quote READY.
    const projected = childOf(
      priced,
      'shop.quotes process',
      SpanKind.CONSUMER,
      ['shop-api'],
      QuotePriced.type,
    );
    assert.deepEqual(messaging(projected), {
      system: 'rabbitmq',
      type: 'process',
      operation: 'process',
      destination: 'shop.quotes',
    });
    assert.equal(projected.attributes['fabflow.consume.outcome'], 'handled');
    assert.ok(
      spans.some(
        (s) =>
          s.parentSpanId === projected.spanId && s.attributes['db.system.name'] === 'postgresql',
      ),
      'the projection’s queries nest under its process span',
    );

    // Every messaging hop about the quote before the order is in the request's trace: no hop
    // (progress events included) started a trace of its own.
    const orderTraces = new Set(
      spans.filter((s) => s.attributes['fabflow.order_id'] === orderId).map((s) => s.traceId),
    );
    const pricingHops = spans.filter(
      (s) =>
        ofQuote(s) &&
        (s.kind === SpanKind.PRODUCER || s.kind === SpanKind.CONSUMER) &&
        !orderTraces.has(s.traceId),
    );
    assert.ok(pricingHops.length >= 6, pricingHops.map(describeSpan).join(', '));
    for (const hop of pricingHops)
      assert.equal(hop.traceId, request.traceId, `${describeSpan(hop)} is in the quote's trace`);

    // 8. Ordering the quote: its own trace, found by the same quote id.
    const orderRequests = spans.filter(
      (s) => s.name === 'POST /orders' && s.attributes['fabflow.order_id'] === orderId,
    );
    assert.equal(orderRequests.length, 1, 'one POST /orders server span for the order');
    const orderRequest = orderRequests[0]!;
    assert.equal(orderRequest.kind, SpanKind.SERVER);
    assert.ok(ofQuote(orderRequest), 'POST /orders carries the quote it orders');
    assert.notEqual(orderRequest.traceId, request.traceId, 'a new command, a new trace');
    const placed = childOf(
      orderRequest,
      'shop.events publish',
      SpanKind.PRODUCER,
      ['shop-api'],
      OrderPlacedV2.type,
    );
    assert.equal(placed.attributes['fabflow.order_id'], orderId);
    const received = childOf(
      placed,
      'crm.orders process',
      SpanKind.CONSUMER,
      ['crm-api'],
      OrderPlacedV2.type,
    );
    assert.equal(received.attributes['fabflow.order_id'], orderId);

    const trace = spans.filter((s) => s.traceId === request.traceId);
    console.log(
      `# quote trace: ${trace.length} spans from ${[...new Set(trace.map((s) => s.service))].join(', ')}; hops: ${[
        request,
        requested,
        consumed,
        enqueued,
        processed,
        priced,
        projected,
      ]
        .map(describeSpan)
        .join(' → ')}`,
    );
  });
});
