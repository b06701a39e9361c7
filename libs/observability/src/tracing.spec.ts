import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { context, trace, type Span } from '@opentelemetry/api';
import { createLogger } from './logger';
import { annotateContext, runWithContext } from './request-context';
import { contextFromTraceHeaders } from './trace-context';
import { shutdownTracing, startTracing, tracingState } from './tracing';

startTracing({ serviceName: 'test', enabled: true, samplerRatio: 1, scheduleDelayMs: 1000 });
const tracer = trace.getTracer('test');

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ service: 's', level: 'info', destination }) };
}

/** Attributes of an SDK span (the API does not expose them). */
const attributesOf = (span: Span) =>
  (span as unknown as { attributes: Record<string, unknown> }).attributes;

describe('startTracing without an exporter', () => {
  after(() => shutdownTracing());

  it('creates recording spans, so logs and messages get trace ids', () => {
    assert.equal(tracingState(), 'local');
    const span = tracer.startSpan('x');
    assert.equal(span.isRecording(), true);
    span.end();
  });

  it('stamps log lines with the trace and span id of the active span', () => {
    const { lines, log } = capture();
    const ids = tracer.startActiveSpan('request', (span) => {
      log.info('inside');
      span.end();
      return span.spanContext();
    });
    log.info('outside');
    assert.equal(lines[0]!.trace_id, ids.traceId);
    assert.equal(lines[0]!.span_id, ids.spanId);
    assert.equal(lines[1]!.trace_id, undefined);
  });

  it('puts annotated fields on the span of the request context as fabflow.<key>', () => {
    const { lines, log } = capture();
    const span = tracer.startSpan('request');
    context.with(trace.setSpan(context.active(), span), () =>
      runWithContext({ correlationId: 'req-1', fields: {} }, () => {
        annotateContext('order_id', 'o-1');
        log.info('x');
      }),
    );
    span.end();
    assert.equal(attributesOf(span)['fabflow.order_id'], 'o-1');
    assert.equal(lines[0]!.order_id, 'o-1');
    assert.equal(lines[0]!.span_id, span.spanContext().spanId);
  });

  it('follows the sampling decision of a remote parent (ParentBased)', () => {
    const parent = contextFromTraceHeaders({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    });
    const span = tracer.startSpan('child', {}, parent);
    assert.equal(span.isRecording(), false);
    assert.equal(span.spanContext().traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    span.end();
  });
});
