import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * A Prometheus registry for one process: Node's default metrics (event-loop lag, heap, GC,
 * handles) plus whatever the libraries register, every series labelled with the service.
 * `defaultMetrics: false` (metrics switched off) leaves out the default collectors, whose
 * event-loop and GC monitoring run whether anyone scrapes or not.
 */
export function createMetricsRegistry(
  service: string,
  opts: { defaultMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
