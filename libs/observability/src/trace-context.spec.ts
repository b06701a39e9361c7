import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { contextFromTraceHeaders, traceHeaders } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('trace context in headers (W3C)', () => {
  it('writes the span context of a context as traceparent and tracestate', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      traceState: new TraceState('vendor=abc'),
    });
    assert.deepEqual(traceHeaders(ctx), {
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      tracestate: 'vendor=abc',
    });
  });

  it('reads them back as a remote parent, sampling flag and state included', () => {
    const ctx = contextFromTraceHeaders({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`,
      tracestate: 'vendor=abc',
      'ce-id': 'x',
    });
    const sc = trace.getSpanContext(ctx);
    assert.equal(sc?.traceId, TRACE_ID);
    assert.equal(sc?.spanId, SPAN_ID);
    assert.equal(sc?.traceFlags, TraceFlags.NONE);
    assert.equal(sc?.isRemote, true);
    assert.equal(sc?.traceState?.serialize(), 'vendor=abc');
    assert.deepEqual(traceHeaders(ctx), {
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`,
      tracestate: 'vendor=abc',
    });
  });

  it('gives the root context for missing, malformed or non-string trace headers', () => {
    for (const headers of [
      undefined,
      {},
      { traceparent: 'not-a-traceparent' },
      { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` },
      { traceparent: Buffer.from(`00-${TRACE_ID}-${SPAN_ID}-01`) },
    ]) {
      assert.equal(trace.getSpanContext(contextFromTraceHeaders(headers)), undefined);
    }
    assert.deepEqual(traceHeaders(ROOT_CONTEXT), {});
  });
});
