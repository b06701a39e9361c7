import type { CancellationOutcome, WorkOrderStatus } from '@fabflow/contracts';
import type { z } from 'zod';

export type Outcome = z.infer<typeof CancellationOutcome>;

/** What cancelling one line does: its outcome, the move of its live work order, if any. */
export interface LinePlan {
  outcome: Outcome;
  /** Where its live work order goes (null: it stays as it is). */
  move: 'CANCELLED' | 'ON_HOLD' | null;
  /** Whether the line becomes (newly) cancelled. */
  cancelLine: boolean;
}

/**
 * A line's cancellation from its live (last) work order: not started (QUEUED, or held) →
 * CANCELLED; in production → ON_HOLD "order cancelled" for the operator to scrap or finish to
 * stock; shipped → nothing to undo; no work order (not approved yet) → none will be made; a
 * part already scrapped or cancelled with no replacement → the line is cancelled, nothing
 * moves. A line cancelled before reports what its earlier cancellation left, and changes nothing.
 */
export function planLineCancellation(line: {
  cancelled: boolean;
  live: WorkOrderStatus | undefined;
}): LinePlan {
  const { live } = line;
  if (line.cancelled)
    return {
      outcome:
        live === undefined
          ? 'NOT_SCHEDULED'
          : live === 'ON_HOLD'
            ? 'HELD_IN_PRODUCTION'
            : live === 'SHIPPED'
              ? 'ALREADY_SHIPPED'
              : 'CANCELLED',
      move: null,
      cancelLine: false,
    };
  switch (live) {
    case undefined:
      return { outcome: 'NOT_SCHEDULED', move: null, cancelLine: true };
    case 'SHIPPED':
      return { outcome: 'ALREADY_SHIPPED', move: null, cancelLine: false };
    case 'QUEUED':
    case 'ON_HOLD':
      return { outcome: 'CANCELLED', move: 'CANCELLED', cancelLine: true };
    case 'IN_PRODUCTION':
    case 'POST_PROCESSING':
    case 'QUALITY_CHECK':
    case 'PACKED':
    case 'REWORK':
      return { outcome: 'HELD_IN_PRODUCTION', move: 'ON_HOLD', cancelLine: true };
    case 'SCRAPPED':
    case 'CANCELLED':
      return { outcome: 'CANCELLED', move: null, cancelLine: true };
  }
}
