import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { context, trace, type Span, type SpanContext } from '@opentelemetry/api';
import type { Transaction } from 'kysely';
import { OrderReceived } from '@fabflow/contracts';
import { shutdownTracing, startTracing } from '@fabflow/observability';
import { newEnvelope, publishOptions } from './envelope';
import { orderIdOf, quoteIdOf, startProcessSpan, startPublishSpan } from './messaging-tracing';
import { OutboxWriter } from './outbox';
import type { MessagingTables } from './tables';

startTracing({ serviceName: 'test', enabled: true, samplerRatio: 1, scheduleDelayMs: 1000 });
const tracer = trace.getTracer('test');

const ORDER = '01890000-0000-7000-8000-000000000001';

/** A transaction that only records the outbox rows written through it. */
function recordingTx() {
  const rows: Array<{ headers: string; payload: string; id: string }> = [];
  const tx = {
    insertInto: () => ({
      values: (row: { headers: string; payload: string; id: string }) => {
        rows.push(row);
        return { execute: () => Promise.resolve([]) };
      },
    }),
  } as unknown as Transaction<MessagingTables>;
  return { tx, rows };
}

async function emitIn(span: Span | undefined, causation?: ReturnType<typeof newEnvelope>) {
  const { tx, rows } = recordingTx();
  const sink = new OutboxWriter('fabflow/test').sink(tx, () => undefined, causation);
  const emit = () =>
    sink.emit(
      OrderReceived,
      { orderId: ORDER, status: 'AWAITING_CONFIRMATION' },
      { subject: ORDER, version: 1 },
    );
  await (span ? context.with(trace.setSpan(context.active(), span), emit) : emit());
  const row = rows[0]!;
  return { ...row, headers: JSON.parse(row.headers) as Record<string, string> };
}

const parentOf = (span: Span) =>
  (span as unknown as { parentSpanContext?: SpanContext }).parentSpanContext;

describe('trace context through outbox row → publish → delivery → process', () => {
  after(() => shutdownTracing());

  it('stores the emitting span in the row, and the publish span in the message', async () => {
    const request = tracer.startSpan('POST /orders');
    const row = await emitIn(request);
    request.end();
    const req = request.spanContext();
    assert.equal(row.headers.traceparent, `00-${req.traceId}-${req.spanId}-01`);

    const { span: publish, headers } = startPublishSpan({
      id: row.id,
      exchange: 'crm.events',
      routingKey: 'order.received',
      headers: row.headers,
      data: JSON.parse(row.payload),
      bodySize: row.payload.length,
    });
    publish.end();
    const pub = publish.spanContext();
    assert.equal(pub.traceId, req.traceId, 'the publish continues the request trace');
    assert.equal(parentOf(publish)?.spanId, req.spanId, 'the publish is a child of the emitter');
    assert.equal(headers.traceparent, `00-${pub.traceId}-${pub.spanId}-01`);
    assert.equal(headers['ce-id'], row.id, 'the CloudEvents headers are kept');

    // What the consumer receives: the AMQP headers of the published message.
    const delivered = publishOptions(headers).headers as Record<string, unknown>;
    const { span: process, context: handling } = startProcessSpan({
      queue: 'shop.order-status',
      messageId: row.id,
      routingKey: 'order.received',
      deliveryTag: 1,
      attempt: 1,
      headers: delivered,
    });
    assert.equal(process.spanContext().traceId, req.traceId);
    assert.equal(parentOf(process)?.spanId, pub.spanId, 'the process is a child of the publish');

    // An event emitted while handling continues the trace under the process span.
    const next = await context.with(handling, () => emitIn(trace.getActiveSpan()));
    process.end();
    assert.equal(next.headers.traceparent, `00-${req.traceId}-${process.spanContext().spanId}-01`);
  });

  it('passes the causing event’s trace context through when no span is active', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const causation = newEnvelope({
      type: 't',
      source: 's',
      subject: ORDER,
      version: 1,
      traceparent,
      tracestate: 'vendor=abc',
      data: {},
    });
    const row = await context.with(trace.deleteSpan(context.active()), () =>
      emitIn(undefined, causation),
    );
    assert.equal(row.headers.traceparent, traceparent);
    assert.equal(row.headers.tracestate, 'vendor=abc');
  });

  it('takes the order id from the event data (orderId, else quoteId)', () => {
    assert.equal(orderIdOf({ orderId: 'o', quoteId: 'q' }), 'o');
    assert.equal(orderIdOf({ quoteId: 'q' }), 'q');
    assert.equal(orderIdOf({ customerId: 'c' }), undefined);
    assert.equal(orderIdOf(null), undefined);
  });

  it('takes the quote id from the event data (quoteId, else item.quoteId of an order, else the one line’s)', () => {
    assert.equal(quoteIdOf({ orderId: 'o', quoteId: 'q' }), 'q');
    assert.equal(quoteIdOf({ orderId: 'o', item: { quoteId: 'q' } }), 'q');
    assert.equal(quoteIdOf({ orderId: 'o', lines: [{ lineId: 'l', quoteId: 'q' }] }), 'q');
    assert.equal(
      quoteIdOf({ orderId: 'o', lines: [{ quoteId: 'q1' }, { quoteId: 'q2' }] }),
      undefined,
      'several lines name no one quote',
    );
    assert.equal(quoteIdOf({ orderId: 'o', item: null }), undefined);
    assert.equal(quoteIdOf({ orderId: 'o' }), undefined);
    assert.equal(quoteIdOf('q'), undefined);
  });
});
