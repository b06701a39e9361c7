import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures } from '@fabflow/testing';
import { OtlpReceiver, SpanKind, type ReceivedSpan } from '../support/otlp-receiver';
import { PricingSystem, TYPES } from './support/pricing-system';

/*
 * A quote's pricing is one trace: QuoteRequested (published here with a traceparent, as the
 * shop's relay publish span would send it) → mes-api `mes.quotes process` → the dispatcher's
 * `<queue> publish` → the worker's `<queue> process` (engine stages as children) → the
 * `mes.events publish` of QuotePriced, whose context the message carries to its consumers.
 * Once the shop side is merged, the shop's HTTP span becomes the root of this same chain.
 */
describe('tracing: a quote’s pricing is one trace, MES consumer → BullMQ → worker → QuotePriced', () => {
  let receiver: OtlpReceiver;
  let sys: PricingSystem;

  before(async () => {
    receiver = await OtlpReceiver.start();
    sys = await PricingSystem.start('ptrace', {
      // Exported only by the flush on shutdown, like the services' tracing test.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    });
  });
  after(async () => {
    await sys?.stop();
    await receiver?.stop();
  });

  it('links the spans by parent from the QuoteRequested delivery to the QuotePriced publish', async () => {
    const f = pricingEngineFixtures();
    const traceId = randomBytes(16).toString('hex');
    const shopPublishSpanId = randomBytes(8).toString('hex');
    const file = await sys.uploadModel(f.toBinaryStl(f.cube(20)), 'cube.stl');
    const quoteId = await sys.requestQuote({
      file,
      mode: 'FIRM',
      traceparent: `00-${traceId}-${shopPublishSpanId}-01`,
    });
    const priced = await sys.outcome(quoteId);
    assert.equal(priced.type, TYPES.priced);
    const job = await sys.queue().getJob(quoteId);
    const jobTraceparent = (job?.data as { traceparent?: string }).traceparent ?? '';

    assert.deepEqual(await Promise.all([sys.worker.stop(), sys.mes[0]!.stop()]), [0, 0]);
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const describeSpan = (s: ReceivedSpan) => `${s.name} [${s.service}]`;
    const childOf = (parentId: string, name: string, kind: number): ReceivedSpan => {
      const found = spans.filter((s) => s.parentSpanId === parentId && s.name === name);
      assert.equal(
        found.length,
        1,
        `one ${name} under ${parentId}; children: ${spans
          .filter((s) => s.parentSpanId === parentId)
          .map(describeSpan)
          .join(', ')}; trace: ${spans.map(describeSpan).join(', ')}`,
      );
      const span = found[0]!;
      assert.equal(span.kind, kind, `${name} kind`);
      assert.equal(span.statusCode, 0, `${name} did not fail`);
      return span;
    };

    const consumed = childOf(shopPublishSpanId, 'mes.quotes process', SpanKind.CONSUMER);
    assert.equal(consumed.service, 'mes-api');
    assert.equal(consumed.attributes['fabflow.order_id'], quoteId);
    const enqueued = childOf(consumed.spanId, `${sys.queueName} publish`, SpanKind.PRODUCER);
    assert.equal(enqueued.service, 'mes-api');
    assert.deepEqual(
      {
        system: enqueued.attributes['messaging.system.name'],
        type: enqueued.attributes['messaging.operation.type'],
        destination: enqueued.attributes['messaging.destination.name'],
        id: enqueued.attributes['messaging.message.id'],
        order: enqueued.attributes['fabflow.order_id'],
      },
      { system: 'bullmq', type: 'send', destination: sys.queueName, id: quoteId, order: quoteId },
    );
    assert.equal(
      jobTraceparent,
      `00-${traceId}-${enqueued.spanId}-01`,
      'the job data carries the publish span’s context',
    );
    const processed = childOf(enqueued.spanId, `${sys.queueName} process`, SpanKind.CONSUMER);
    assert.equal(processed.service, 'pricing-worker');
    assert.equal(processed.attributes['messaging.operation.type'], 'process');
    assert.equal(processed.attributes['fabflow.pricing.outcome'], 'ready');
    const stages = spans
      .filter((s) => s.parentSpanId === processed.spanId && s.name.startsWith('pricing-engine '))
      .map((s) => s.name.replace('pricing-engine ', ''));
    assert.deepEqual(
      stages.sort(),
      ['cost', 'measure', 'orientation', 'pack', 'parse', 'print-time', 'topology', 'weld'],
      'one child span per engine stage',
    );
    assert.ok(
      spans.some(
        (s) =>
          s.parentSpanId === processed.spanId && s.attributes['db.system.name'] === 'postgresql',
      ),
      'the worker’s queries nest under its process span',
    );
    // The result's publish (by whichever relay took the row: worker or mes-api).
    const published = spans.filter(
      (s) =>
        s.parentSpanId === processed.spanId &&
        s.name === 'mes.events publish' &&
        s.attributes['cloudevents.event_type'] === TYPES.priced,
    );
    assert.equal(published.length, 1, 'one publish of QuotePriced, a child of the process span');
    assert.equal(published[0]!.kind, SpanKind.PRODUCER);
    assert.equal(
      priced.traceparent,
      `00-${traceId}-${published[0]!.spanId}-01`,
      'QuotePriced carries its publish span to the shop’s consumer',
    );
    console.log(
      `# one trace, ${spans.length} spans: ${[...new Set(spans.map(describeSpan))].join(', ')}`,
    );
  });
});
