import { UnrecoverableError } from 'bullmq';
import { formatCount } from './format';
import { EngineAborted, EngineCrashed, EngineRejected, EngineTimeout } from '../engine/engine-pool';
import { PricingJobRejected } from '../infra/pricing-job-rejected';

export { PricingJobRejected } from '../infra/pricing-job-rejected';

export type FailureDecision =
  /** The quote fails now with this code and reason; BullMQ must not retry. */
  | { final: true; code: string; reason: string; internal: boolean }
  /** Worth another attempt (after backoff); on the last attempt it fails as INTERNAL. */
  | { final: false };

const INTERNAL_REASON =
  'We could not price this model because of a problem on our side. Nothing is wrong with your file; please request the quote again later, or contact us if it keeps happening.';

/** The QuoteFailed of a job whose last attempt failed unexpectedly. */
export const internalFailure = { code: 'INTERNAL', reason: INTERNAL_REASON } as const;

/**
 * What a failed calculation means for the quote. Bad files (MeshError), bad requests
 * (PricingError), a timeout and a model too big for a thread's memory are final: the same file
 * would fail the same way, so retrying only wastes worker time. Everything else (S3, Postgres,
 * a crashed thread) is retried with backoff.
 */
export function decideFailure(err: unknown, timeoutMs: number): FailureDecision {
  if (err instanceof EngineRejected) {
    const { name, code, message } = err.info;
    if (name === 'MeshError') return { final: true, code, reason: message, internal: false };
    switch (code) {
      case 'UNKNOWN_MATERIAL':
        return {
          final: true,
          code,
          reason: `${message} Choose one of the materials on offer and request a new quote.`,
          internal: false,
        };
      case 'INVALID_QUANTITY':
      case 'NON_POSITIVE_VOLUME':
        return { final: true, code, reason: message, internal: false };
      default:
        // The price list or the options are broken: the customer cannot fix that, and a retry
        // would fail the same way until someone does.
        return { final: true, code, reason: INTERNAL_REASON, internal: true };
    }
  }
  if (err instanceof EngineTimeout) {
    return {
      final: true,
      code: 'TIMEOUT',
      reason: `Pricing this model took longer than ${duration(timeoutMs)}, so it was stopped. Simplify the model (fewer triangles) and upload it again, or contact us for a manual quote.`,
      internal: false,
    };
  }
  if (err instanceof EngineCrashed && err.outOfMemory) {
    return {
      final: true,
      code: 'TOO_COMPLEX',
      reason:
        'This model is too large to price automatically (it needs more memory than a pricing job may use). Reduce its triangle count and upload it again, or contact us for a manual quote.',
      internal: false,
    };
  }
  if (err instanceof PricingJobRejected)
    return { final: true, code: err.code, reason: err.reason, internal: false };
  return { final: false };
}

/** `30 minutes`, `1 minute`, `45 seconds`. */
function duration(ms: number): string {
  const unit = (n: number, what: string) => `${formatCount(n)} ${what}${n === 1 ? '' : 's'}`;
  return ms >= 60_000
    ? unit(Math.round(ms / 60_000), 'minute')
    : unit(Math.max(1, Math.round(ms / 1000)), 'second');
}

/** The error to throw to BullMQ for a final decision: never retried. */
export function unrecoverable(code: string, reason: string): UnrecoverableError {
  return new UnrecoverableError(`${code}: ${reason}`);
}

/** The job was given up by the caller (lock lost, shutdown): neither a success nor a failure. */
export function isAbort(err: unknown): boolean {
  return err instanceof EngineAborted;
}
