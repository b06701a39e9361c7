import {
  analyseModel,
  type AnalyseOptions,
  type AnalysisReport,
  type ModelAnalysis,
} from './analyse.js';
import { computeCost, type CostBreakdown } from './cost.js';
import { MeshError, PricingError } from './errors.js';
import { fitToMachines, type Machine, type MachineFit } from './machine-fit.js';
import { searchOrientation, type OrientationResult } from './orientation.js';
import { packParts, type PackingResult } from './packing.js';
import { validatePriceList, type LeadTime, type PriceList } from './price-list.js';
import {
  estimateFirm,
  estimateIndicative,
  type EstimateMode,
  type PrintTimeEstimate,
} from './print-time.js';
import {
  DEFAULT_REVIEW_THRESHOLDS,
  reviewQuote,
  type ReviewResult,
  type ReviewThresholds,
} from './review.js';
import { rotateMesh } from './rotation.util.js';
import { resolveProfile, type TechnologyProfile } from './technology.js';
import type { ProgressCallback, StlUnit, Technology } from './types.js';
import { ENGINE_VERSION } from './version.js';

/** What to quote and against which shop configuration. */
export interface PriceOptions {
  materialId: string;
  quantity: number;
  leadTime: LeadTime;
  mode: EstimateMode;
  machines: readonly Machine[];
  /** Validated on every call; an invalid list throws `PricingError('INVALID_PRICE_LIST')`. */
  priceList: PriceList;
  /** Used only when raw bytes are passed. */
  unit?: StlUnit;
  analyse?: Omit<AnalyseOptions, 'unit' | 'machines' | 'onProgress'>;
  profiles?: Partial<Record<Technology, Partial<TechnologyProfile>>>;
  overhangAngleDeg?: number;
  review?: Partial<ReviewThresholds>;
}

/** A complete quote: every stage's result, plain data only. */
export interface PriceResult {
  engineVersion: string;
  analysis: AnalysisReport;
  technology: Technology;
  /** Fit of the part (any axis permutation) for the machines of the material's technology. */
  machineFit: MachineFit[];
  orientation: OrientationResult;
  printTime: PrintTimeEstimate;
  partsPerBuild: PackingResult;
  /** Machine time of the whole order (all builds), seconds. */
  machineSeconds: number;
  cost: CostBreakdown;
  review: ReviewResult;
}

function layersFor(heightMm: number, profile: TechnologyProfile): number {
  return Math.max(1, Math.ceil(heightMm / profile.layerHeightMm - 1e-9));
}

/**
 * Quotes a model: orientation, print time (heuristic or sliced), parts per build, cost and
 * the review gate. Accepts raw bytes (analysed first) or a previous {@link ModelAnalysis}.
 */
export function priceModel(
  input: ModelAnalysis | Uint8Array,
  options: PriceOptions,
  onProgress?: ProgressCallback,
): PriceResult {
  const validation = validatePriceList(options.priceList);
  if (!validation.ok) {
    throw new PricingError(
      'INVALID_PRICE_LIST',
      `The price list is invalid: ${validation.errors.join('; ')}.`,
      {
        errors: validation.errors,
      },
    );
  }
  const priceList = validation.value;
  const material = priceList.materials.find((m) => m.id === options.materialId);
  if (!material) {
    throw new PricingError(
      'UNKNOWN_MATERIAL',
      `Material "${options.materialId}" is not in price list ${priceList.version}.`,
      {
        materialId: options.materialId,
      },
    );
  }
  if (!Number.isInteger(options.quantity) || options.quantity < 1) {
    throw new PricingError(
      'INVALID_QUANTITY',
      `Quantity must be a whole number of at least 1 (got ${options.quantity}).`,
    );
  }

  const analysis =
    input instanceof Uint8Array
      ? analyseModel(input, { ...options.analyse, unit: options.unit, onProgress })
      : input;
  const { report, mesh } = analysis;
  if (!(report.volumeMm3 > 0)) {
    throw new MeshError(
      'ZERO_VOLUME',
      'The model encloses no volume, so it cannot be printed or priced. Export a closed solid rather than a surface.',
    );
  }

  const technology = material.technology;
  const profile = resolveProfile(technology, options.profiles);
  const machines = options.machines.filter((m) => m.technology === technology);
  const machineFit = fitToMachines(report.bbox.size, machines);

  onProgress?.('orientation', 0);
  const orientation = searchOrientation(mesh, {
    overhangAngleDeg: options.overhangAngleDeg,
    supportWeight: profile.needsSupport ? 1 : 0,
    machines,
    onProgress: (f) => onProgress?.('orientation', f),
  });
  const chosen = orientation.chosen;

  const timeInput = {
    mesh: options.mode === 'FIRM' ? rotateMesh(mesh, chosen.rotation) : mesh,
    volumeMm3: report.volumeMm3,
    surfaceAreaMm2: report.surfaceAreaMm2,
    heightMm: chosen.heightMm,
    supportVolumeMm3: chosen.supportVolumeMm3,
    profile,
  };
  onProgress?.('print-time', 0);
  const printTime =
    options.mode === 'FIRM'
      ? estimateFirm(timeInput, (f) => onProgress?.('print-time', f))
      : estimateIndicative(timeInput);
  onProgress?.('print-time', 1);

  const fitting = machines.filter((m) => machineFit.some((f) => f.fits && f.machineId === m.id));
  const packing = packParts(
    chosen.sizeMm,
    options.quantity,
    fitting,
    profile.packing,
    profile.partSpacingMm,
  );
  const buildSeconds = (heightMm: number): number =>
    profile.fixedBuildSeconds + layersFor(heightMm, profile) * profile.perLayerSeconds;
  const machineSeconds =
    (packing.builds - 1) * buildSeconds(packing.buildHeightMm) +
    buildSeconds(packing.lastBuildHeightMm) +
    options.quantity * printTime.partSeconds;
  onProgress?.('pack', 1);

  const cost = computeCost({
    priceList,
    material,
    quantity: options.quantity,
    leadTime: options.leadTime,
    partVolumeMm3: report.volumeMm3,
    supportMaterialMm3: profile.needsSupport ? chosen.supportVolumeMm3 * profile.supportDensity : 0,
    machineSeconds,
    builds: packing.builds,
  });
  onProgress?.('cost', 1);

  const thresholds: ReviewThresholds = {
    ...DEFAULT_REVIEW_THRESHOLDS,
    minThicknessMm: profile.minWallMm,
    maxPriceCents: priceList.reviewAbovePriceCents,
    ...options.review,
  };
  const largestAxes = fitting.map((m) =>
    Math.max(m.buildVolumeMm.x, m.buildVolumeMm.y, m.buildVolumeMm.z),
  );
  const review = reviewQuote(
    {
      topology: report.topology,
      triangleCount: report.inputTriangles,
      degenerateFaces: report.degenerateFaces,
      volumeMm3: report.volumeMm3,
      surfaceAreaMm2: report.surfaceAreaMm2,
      sizeMm: report.bbox.size,
      fitsAnyMachine: packing.fits,
      largestMachineAxisMm: largestAxes.length > 0 ? Math.max(...largestAxes) : undefined,
      openSliceLoops: printTime.openLoops,
      totalCents: cost.total,
      quantity: options.quantity,
    },
    thresholds,
  );

  return {
    engineVersion: ENGINE_VERSION,
    analysis: report,
    technology,
    machineFit,
    orientation,
    printTime,
    partsPerBuild: packing,
    machineSeconds,
    cost,
    review,
  };
}
