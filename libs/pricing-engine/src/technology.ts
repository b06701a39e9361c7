import type { Technology } from './types.js';

/**
 * Process parameters used by the time model. Defaults are indicative values for common
 * machines; shops override them per technology.
 */
export interface TechnologyProfile {
  technology: Technology;
  layerHeightMm: number;
  /** Extrusion width (FDM) or laser hatch spacing (SLA, SLS); the infill line pitch. */
  lineWidthMm: number;
  /** Perimeter (contour) passes per layer. */
  perimeters: number;
  /** Fraction of the interior that is filled, 0..1 (1 for resin and powder processes). */
  infillDensity: number;
  /** Bottom and top layers printed fully solid. */
  solidLayers: number;
  /** Contour speed, mm/s. */
  perimeterSpeedMmS: number;
  /** Infill / hatch speed, mm/s. */
  infillSpeedMmS: number;
  travelSpeedMmS: number;
  accelerationMmS2: number;
  /** Time spent per layer whatever is on it: layer change, peel, recoat. */
  perLayerSeconds: number;
  /** Once per build: heat-up, warm-up, cool-down. */
  fixedBuildSeconds: number;
  /** Effective deposition/fusing rate used by the indicative estimate, mm³/s. */
  volumetricRateMm3S: number;
  /** Whether overhangs need support structures. */
  needsSupport: boolean;
  /** Support material actually printed per mm³ of support envelope, 0..1. */
  supportDensity: number;
  /** Gap between parts in a build. */
  partSpacingMm: number;
  /** Plate packing (one layer of parts) or volume nesting (stacked parts in powder). */
  packing: '2D' | '3D';
  /** Thinnest reliably printable wall; thinner parts go to review. */
  minWallMm: number;
}

/** Built-in profiles, overridable per technology through the pricing options. */
export const DEFAULT_TECHNOLOGY_PROFILES: Readonly<Record<Technology, TechnologyProfile>> = {
  FDM: {
    technology: 'FDM',
    layerHeightMm: 0.2,
    lineWidthMm: 0.45,
    perimeters: 2,
    infillDensity: 0.2,
    solidLayers: 4,
    perimeterSpeedMmS: 60,
    infillSpeedMmS: 80,
    travelSpeedMmS: 150,
    accelerationMmS2: 1000,
    perLayerSeconds: 2,
    fixedBuildSeconds: 300,
    volumetricRateMm3S: 8,
    needsSupport: true,
    supportDensity: 0.15,
    partSpacingMm: 5,
    packing: '2D',
    minWallMm: 0.8,
  },
  SLA: {
    technology: 'SLA',
    layerHeightMm: 0.05,
    lineWidthMm: 0.1,
    perimeters: 1,
    infillDensity: 1,
    solidLayers: 0,
    perimeterSpeedMmS: 2000,
    infillSpeedMmS: 2000,
    travelSpeedMmS: 5000,
    accelerationMmS2: 100000,
    perLayerSeconds: 6,
    fixedBuildSeconds: 600,
    volumetricRateMm3S: 10,
    needsSupport: true,
    supportDensity: 0.1,
    partSpacingMm: 3,
    packing: '2D',
    minWallMm: 0.4,
  },
  SLS: {
    technology: 'SLS',
    layerHeightMm: 0.1,
    lineWidthMm: 0.2,
    perimeters: 1,
    infillDensity: 1,
    solidLayers: 0,
    perimeterSpeedMmS: 5000,
    infillSpeedMmS: 5000,
    travelSpeedMmS: 10000,
    accelerationMmS2: 1000000,
    perLayerSeconds: 10,
    fixedBuildSeconds: 3600,
    volumetricRateMm3S: 100,
    needsSupport: false,
    supportDensity: 0,
    partSpacingMm: 5,
    packing: '3D',
    minWallMm: 0.7,
  },
  MJF: {
    technology: 'MJF',
    layerHeightMm: 0.08,
    lineWidthMm: 1,
    perimeters: 1,
    infillDensity: 1,
    solidLayers: 0,
    perimeterSpeedMmS: 100000,
    infillSpeedMmS: 100000,
    travelSpeedMmS: 100000,
    accelerationMmS2: 10000000,
    perLayerSeconds: 9,
    fixedBuildSeconds: 3600,
    volumetricRateMm3S: 10000,
    needsSupport: false,
    supportDensity: 0,
    partSpacingMm: 5,
    packing: '3D',
    minWallMm: 0.5,
  },
};

/** The default profile for `technology` with caller overrides applied. */
export function resolveProfile(
  technology: Technology,
  overrides?: Partial<Record<Technology, Partial<TechnologyProfile>>>,
): TechnologyProfile {
  return { ...DEFAULT_TECHNOLOGY_PROFILES[technology], ...overrides?.[technology], technology };
}
