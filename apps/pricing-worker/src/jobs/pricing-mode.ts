import type { PricingMode } from '@fabflow/contracts';
import type { WorkerConfig } from '../worker.config';

export type ModeRules = Pick<WorkerConfig, 'PRICING_FIRM_ABOVE_BYTES' | 'PRICING_FIRM_ABOVE_CENTS'>;

export interface ModePlan {
  /** The mode the calculation starts in. */
  mode: PricingMode;
  why: 'requested' | 'file size' | 'indicative';
  /** With an INDICATIVE start: a total above this is priced FIRM too before it is offered. */
  firmAboveCents?: number;
}

/**
 * FIRM pricing (slicing) when the customer asked for it or the file is larger than
 * PRICING_FIRM_ABOVE_BYTES; otherwise INDICATIVE, upgraded to FIRM when its total is above
 * PRICING_FIRM_ABOVE_CENTS (a large order is never offered on a heuristic alone).
 */
export function planMode(requested: PricingMode, sizeBytes: number, rules: ModeRules): ModePlan {
  if (requested === 'FIRM') return { mode: 'FIRM', why: 'requested' };
  if (sizeBytes > rules.PRICING_FIRM_ABOVE_BYTES) return { mode: 'FIRM', why: 'file size' };
  return { mode: 'INDICATIVE', why: 'indicative', firmAboveCents: rules.PRICING_FIRM_ABOVE_CENTS };
}

/** Whether an indicative total must be priced FIRM before it is offered. */
export function needsFirm(plan: ModePlan, indicativeTotalCents: number): boolean {
  return plan.firmAboveCents !== undefined && indicativeTotalCents > plan.firmAboveCents;
}
