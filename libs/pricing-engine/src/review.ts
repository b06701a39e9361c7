import { formatCount, formatDecimal } from './format.util.js';
import type { TopologyReport } from './topology.js';
import type { Vec3 } from './types.js';

/** Why a quote needs a human before it is confirmed. */
export type ReviewReasonCode =
  | 'NOT_WATERTIGHT'
  | 'INCONSISTENT_WINDING'
  | 'MULTIPLE_SHELLS'
  | 'NO_FITTING_MACHINE'
  | 'THIN_PART'
  | 'LARGE_PART'
  | 'DEGENERATE_FACES'
  | 'OPEN_SLICE_CONTOURS'
  | 'PRICE_ABOVE_THRESHOLD'
  | 'QUANTITY_ABOVE_THRESHOLD';

/** One reason, with a message suitable for the operator and, mostly, the customer. */
export interface ReviewReason {
  code: ReviewReasonCode;
  message: string;
}

/** Gate outcome: automatic confirmation, or a list of reasons for a human. */
export interface ReviewResult {
  status: 'AUTO_APPROVED' | 'NEEDS_REVIEW';
  reasons: ReviewReason[];
}

/** Limits of the gate; unset limits are not checked. */
export interface ReviewThresholds {
  /** Fraction of faces that may be degenerate. Default 0.01. */
  maxDegenerateFraction: number;
  /** Parts thinner than this (smallest extent or 2·volume/area) are flagged. */
  minThicknessMm: number;
  /** Parts whose largest extent exceeds this share of the largest fitting machine axis. Default 0.9. */
  largePartFraction: number;
  maxPriceCents?: number;
  maxQuantity?: number;
}

/** Facts the gate looks at. */
export interface ReviewInput {
  topology: TopologyReport;
  triangleCount: number;
  degenerateFaces: number;
  volumeMm3: number;
  surfaceAreaMm2: number;
  sizeMm: Vec3;
  fitsAnyMachine: boolean;
  /** Largest build axis among the machines the part fits. */
  largestMachineAxisMm?: number;
  openSliceLoops?: number;
  totalCents?: number;
  quantity?: number;
}

/** Default thresholds; `minThicknessMm` normally comes from the technology's minimum wall. */
export const DEFAULT_REVIEW_THRESHOLDS: ReviewThresholds = {
  maxDegenerateFraction: 0.01,
  minThicknessMm: 0.8,
  largePartFraction: 0.9,
};

/** Collects every reason a quote cannot be confirmed automatically. */
export function reviewQuote(
  input: ReviewInput,
  thresholds: ReviewThresholds = DEFAULT_REVIEW_THRESHOLDS,
): ReviewResult {
  const reasons: ReviewReason[] = [];
  const add = (code: ReviewReasonCode, message: string): void => {
    reasons.push({ code, message });
  };
  const { topology } = input;
  if (!topology.watertight) {
    add(
      'NOT_WATERTIGHT',
      `The surface is not closed (${formatCount(topology.boundaryEdges)} open edges, ${formatCount(topology.nonManifoldEdges)} non-manifold edges); the volume may be wrong.`,
    );
  }
  if (topology.inconsistentEdges > 0) {
    add(
      'INCONSISTENT_WINDING',
      `${formatCount(topology.inconsistentEdges)} edges join faces that disagree about inside and outside.`,
    );
  }
  // A cavity (the inner wall of a hollow part) is a shell but not a body.
  const bodies = topology.shells - topology.cavities;
  if (bodies > 1) {
    add(
      'MULTIPLE_SHELLS',
      `The file contains ${formatCount(bodies)} separate bodies; confirm they are one order line.`,
    );
  }
  if (!input.fitsAnyMachine)
    add(
      'NO_FITTING_MACHINE',
      'The part does not fit any machine for this material in any orientation.',
    );
  const smallest = Math.min(input.sizeMm.x, input.sizeMm.y, input.sizeMm.z);
  const thickness = input.surfaceAreaMm2 > 0 ? (2 * input.volumeMm3) / input.surfaceAreaMm2 : 0;
  if (Math.min(smallest, thickness) < thresholds.minThicknessMm) {
    add(
      'THIN_PART',
      `The part is very thin (about ${formatDecimal(Math.min(smallest, thickness))} mm; minimum ${formatDecimal(thresholds.minThicknessMm)} mm) and may not print reliably.`,
    );
  }
  const largest = Math.max(input.sizeMm.x, input.sizeMm.y, input.sizeMm.z);
  if (
    input.largestMachineAxisMm !== undefined &&
    largest > thresholds.largePartFraction * input.largestMachineAxisMm
  ) {
    add(
      'LARGE_PART',
      `The part (${formatDecimal(largest)} mm) nearly fills the build volume; warping and scheduling need a check.`,
    );
  }
  if (input.degenerateFaces > thresholds.maxDegenerateFraction * input.triangleCount) {
    add(
      'DEGENERATE_FACES',
      `${formatCount(input.degenerateFaces)} of ${formatCount(input.triangleCount)} faces have no area; the mesh may be damaged.`,
    );
  }
  if (input.openSliceLoops !== undefined && input.openSliceLoops > 0) {
    add(
      'OPEN_SLICE_CONTOURS',
      `${formatCount(input.openSliceLoops)} sliced contours did not close; the print-time estimate is less reliable.`,
    );
  }
  if (
    thresholds.maxPriceCents !== undefined &&
    input.totalCents !== undefined &&
    input.totalCents > thresholds.maxPriceCents
  ) {
    add('PRICE_ABOVE_THRESHOLD', 'The order value is above the automatic confirmation limit.');
  }
  if (
    thresholds.maxQuantity !== undefined &&
    input.quantity !== undefined &&
    input.quantity > thresholds.maxQuantity
  ) {
    add('QUANTITY_ABOVE_THRESHOLD', 'The quantity is above the automatic confirmation limit.');
  }
  return { status: reasons.length > 0 ? 'NEEDS_REVIEW' : 'AUTO_APPROVED', reasons };
}
