import { randomUUID } from 'node:crypto';
import type { NewPricingJob } from '@fabflow/pricing-jobs';

/**
 * A pricing job as the QuoteRequested handler records it (QUEUED, not yet in BullMQ), for the
 * repository's and the dispatcher's integration tests; `overrides` sets what a test is about.
 */
export function newPricingJob(overrides: Partial<NewPricingJob> = {}): NewPricingJob {
  const channel = overrides.channel ?? 'B2C';
  return {
    quote_id: randomUUID(),
    customer_id: randomUUID(),
    channel,
    account_id: null,
    max_concurrent_jobs: null,
    priority: channel === 'B2C' ? 1 : 10,
    file: JSON.stringify({
      fileId: randomUUID(),
      bucket: 'b',
      key: 'k',
      sha256: 'a'.repeat(64),
      sizeBytes: 684,
      format: 'STL_BINARY',
      unit: 'mm',
      filename: 'x.stl',
    }),
    material_id: 'pla-black',
    quantity: 1,
    lead_time: 'STANDARD',
    requested_mode: 'INDICATIVE',
    mode: null,
    correlation_id: null,
    trace_context: null,
    requested_at: new Date(),
    enqueued_at: null,
    started_at: null,
    finished_at: null,
    progress_stage: null,
    progress_overall: null,
    result: null,
    price_list_version: null,
    failure_code: null,
    failure_reason: null,
    cache_hit: null,
    ...overrides,
  };
}
