import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from '@fabflow/platform';

export type ReadTarget = 'replica' | 'primary' | 'primary_fallback';
const TARGETS: ReadTarget[] = ['replica', 'primary', 'primary_fallback'];

@Injectable()
export class ReadRoutingMetrics {
  readonly reads: Counter<'target'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.reads = new Counter({
      name: 'fabflow_read_routing_total',
      help: 'Work-queue reads by where they went: replica; primary (no replica configured); primary_fallback (the replica had not replayed the last change, or failed).',
      labelNames: ['target'],
      registers: [registry],
    });
    // Every target has a series from the start, so rates and panels are never empty.
    for (const target of TARGETS) this.reads.labels(target).inc(0);
  }
}
