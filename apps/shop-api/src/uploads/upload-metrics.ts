import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from '@fabflow/platform';

export type UploadOutcome = 'completed' | 'rejected';

/** Uploads on /metrics: completions by outcome and the bytes customers uploaded. */
@Injectable()
export class UploadMetrics {
  private readonly completions: Counter<'outcome'>;
  private readonly bytes: Counter;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.completions = new Counter({
      name: 'fabflow_upload_completions_total',
      help: 'Upload completions (POST /uploads/:id/complete) by outcome: completed (the file is READY) or rejected (wrong size, not a model).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.bytes = new Counter({
      name: 'fabflow_upload_bytes_total',
      help: 'Bytes of model files that completed their upload.',
      registers: [registry],
    });
    // Every series exists from the start, so rates and dashboards show 0 rather than nothing.
    for (const outcome of ['completed', 'rejected'] as const) this.completions.inc({ outcome }, 0);
    this.bytes.inc(0);
  }

  completed(sizeBytes: number): void {
    this.completions.inc({ outcome: 'completed' });
    this.bytes.inc(sizeBytes);
  }

  rejected(): void {
    this.completions.inc({ outcome: 'rejected' });
  }
}
