import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { createMetricsRegistry } from './metrics';

describe('createMetricsRegistry', () => {
  it('collects Node default metrics labelled with the service', async () => {
    const text = await createMetricsRegistry('svc-a').metrics();
    assert.match(text, /^nodejs_eventloop_lag_seconds\{service="svc-a"\}/m);
    assert.match(text, /^process_cpu_user_seconds_total\{service="svc-a"\}/m);
  });

  it('leaves the default collectors out when metrics are off, keeping what libraries register', async () => {
    const registry = createMetricsRegistry('svc-b', { defaultMetrics: false });
    new Counter({ name: 'lib_things_total', help: 'things', registers: [registry] }).inc();
    const text = await registry.metrics();
    assert.doesNotMatch(text, /nodejs_|process_/);
    assert.match(text, /^lib_things_total\{service="svc-b"\} 1$/m);
  });
});
