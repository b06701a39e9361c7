/**
 * @fabflow/pricing-engine: pure, synchronous quoting of 3D-printable models.
 * Bytes and parameters in, plain structured-cloneable objects out; Node standard library only.
 */
export { ENGINE_VERSION } from './version.js';
export type {
  AnalysisWarning,
  BoundingBox,
  IndexedMesh,
  ModelFormat,
  ProgressCallback,
  StlUnit,
  Technology,
  ThreeMfUnit,
  Vec3,
} from './types.js';
export { TECHNOLOGIES } from './types.js';
export {
  MeshError,
  PricingError,
  isMeshError,
  isPricingError,
  toEngineErrorInfo,
  type EngineErrorInfo,
  type ErrorDetails,
  type MeshErrorCode,
  type PricingErrorCode,
} from './errors.js';
export {
  DEFAULT_PARSE_LIMITS,
  type ComponentLimits,
  type ParseLimitOverrides,
  type ParseLimits,
  type ZipLimits,
} from './limits.js';
export { sniffFormat, type SniffResult } from './sniff.js';
export {
  analyseModel,
  type AnalyseOptions,
  type AnalysisReport,
  type ModelAnalysis,
} from './analyse.js';
export type { TopologyReport } from './topology.js';
export {
  fitToMachines,
  type AxisPermutation,
  type Machine,
  type MachineFit,
} from './machine-fit.js';
export {
  searchOrientation,
  type OrientationCandidate,
  type OrientationOptions,
  type OrientationResult,
} from './orientation.js';
export type { Matrix3 } from './rotation.util.js';
export {
  DEFAULT_TECHNOLOGY_PROFILES,
  resolveProfile,
  type TechnologyProfile,
} from './technology.js';
export {
  sliceMesh,
  type SliceLoop,
  type SliceOptions,
  type SliceSummary,
  type SlicedLayer,
} from './slicer.js';
export {
  estimateFirm,
  estimateIndicative,
  type EstimateMode,
  type PrintTimeEstimate,
  type PrintTimeInput,
} from './print-time.js';
export { packParts, type PackingResult } from './packing.js';
export {
  LEAD_TIMES,
  validatePriceList,
  type LeadTime,
  type LeadTimeTier,
  type MaterialPrice,
  type PriceList,
  type PriceListValidation,
  type QuantityBreak,
} from './price-list.js';
export { computeCost, type CostBreakdown, type CostInput } from './cost.js';
export {
  DEFAULT_REVIEW_THRESHOLDS,
  reviewQuote,
  type ReviewInput,
  type ReviewReason,
  type ReviewReasonCode,
  type ReviewResult,
  type ReviewThresholds,
} from './review.js';
export { priceModel, type PriceOptions, type PriceResult } from './price-model.js';
