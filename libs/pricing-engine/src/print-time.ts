import { polylineSeconds, trapezoidSeconds } from './motion.util.js';
import { sliceMesh, type SlicedLayer } from './slicer.js';
import type { TechnologyProfile } from './technology.js';
import type { IndexedMesh, Technology } from './types.js';

/** INDICATIVE: instant heuristic. FIRM: slices the part and times the toolpaths. */
export type EstimateMode = 'INDICATIVE' | 'FIRM';

/**
 * Print-time estimate for one part, split so builds can be costed: `partSeconds` grows with
 * every copy, layer and fixed time are paid once per build.
 */
export interface PrintTimeEstimate {
  mode: EstimateMode;
  technology: Technology;
  layerHeightMm: number;
  layerCount: number;
  /** Toolpath / exposure time of one part (contours, infill, travel, support). */
  partSeconds: number;
  perLayerSeconds: number;
  fixedBuildSeconds: number;
  /** One part printed alone: fixed + layers × per-layer + part time. */
  singlePartBuildSeconds: number;
  /** Material deposited or fused for one part, support included. */
  depositedVolumeMm3: number;
  /** Firm only: contour, infill, support and travel path lengths of one part. */
  perimeterPathMm?: number;
  infillPathMm?: number;
  supportPathMm?: number;
  travelPathMm?: number;
  /** Firm only: contours that did not close (mesh defects). */
  openLoops?: number;
}

/** What the time model needs to know about the oriented part. */
export interface PrintTimeInput {
  /** The part already rotated into its print orientation. */
  mesh: IndexedMesh;
  volumeMm3: number;
  surfaceAreaMm2: number;
  heightMm: number;
  supportVolumeMm3: number;
  profile: TechnologyProfile;
}

function supportMaterial(input: PrintTimeInput): number {
  return input.profile.needsSupport ? input.supportVolumeMm3 * input.profile.supportDensity : 0;
}

function finish(
  input: PrintTimeInput,
  mode: EstimateMode,
  layerCount: number,
  partSeconds: number,
  deposited: number,
): PrintTimeEstimate {
  const { profile } = input;
  return {
    mode,
    technology: profile.technology,
    layerHeightMm: profile.layerHeightMm,
    layerCount,
    partSeconds,
    perLayerSeconds: profile.perLayerSeconds,
    fixedBuildSeconds: profile.fixedBuildSeconds,
    singlePartBuildSeconds:
      profile.fixedBuildSeconds + layerCount * profile.perLayerSeconds + partSeconds,
    depositedVolumeMm3: deposited,
  };
}

/**
 * Heuristic: a shell of `perimeters × lineWidth` over the surface, the rest filled at the
 * infill density, plus support, deposited at the profile's volumetric rate.
 */
export function estimateIndicative(input: PrintTimeInput): PrintTimeEstimate {
  const { profile } = input;
  const shell = Math.min(
    input.volumeMm3,
    input.surfaceAreaMm2 * profile.perimeters * profile.lineWidthMm,
  );
  const deposited =
    shell + (input.volumeMm3 - shell) * profile.infillDensity + supportMaterial(input);
  const layers = Math.max(1, Math.ceil(input.heightMm / profile.layerHeightMm - 1e-9));
  return finish(input, 'INDICATIVE', layers, deposited / profile.volumetricRateMm3S, deposited);
}

/** What one layer adds to each total, in the order the totals are summed. */
interface LayerCost {
  solid: boolean;
  /** Seconds of each travel hop and each contour, then of the infill, in path order. */
  seconds: number[];
  travel: number[];
  contour: number;
  infill: number;
  deposited: number;
}

/** Times one layer: each contour `perimeters` times, the hops between them, the infill. */
function layerCost(layer: SlicedLayer, profile: TechnologyProfile): LayerCost {
  const a = profile.accelerationMmS2;
  const solid =
    layer.index < profile.solidLayers || layer.index >= layer.layerCount - profile.solidLayers;
  const cost: LayerCost = { solid, seconds: [], travel: [], contour: 0, infill: 0, deposited: 0 };
  let lastX = Number.NaN;
  let lastY = Number.NaN;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const loop of layer.loops) {
    const pts = loop.points;
    if (pts.length < 4) continue;
    if (!Number.isNaN(lastX)) {
      const hop = Math.hypot(pts[0]! - lastX, pts[1]! - lastY);
      cost.travel.push(hop);
      cost.seconds.push(trapezoidSeconds(hop, 0, 0, profile.travelSpeedMmS, a));
    }
    cost.seconds.push(
      profile.perimeters * polylineSeconds(pts, loop.closed, profile.perimeterSpeedMmS, a),
    );
    lastX = pts[loop.closed ? 0 : pts.length - 2]!;
    lastY = pts[loop.closed ? 1 : pts.length - 1]!;
    for (let i = 0; i < pts.length; i += 2) {
      if (pts[i]! < minX) minX = pts[i]!;
      if (pts[i]! > maxX) maxX = pts[i]!;
    }
  }
  cost.contour = layer.perimeterMm * profile.perimeters;
  const area = Math.abs(layer.areaMm2);
  const interior = Math.max(0, area - cost.contour * profile.lineWidthMm);
  cost.infill = (interior * (solid ? 1 : profile.infillDensity)) / profile.lineWidthMm;
  if (cost.infill > 0 && maxX > minX) {
    const lines = Math.ceil(cost.infill / (maxX - minX));
    cost.seconds.push(
      lines *
        trapezoidSeconds(
          cost.infill / lines,
          0,
          0,
          profile.infillSpeedMmS,
          profile.accelerationMmS2,
        ),
    );
  }
  cost.deposited =
    (Math.min(area, cost.contour * profile.lineWidthMm) +
      interior * (solid ? 1 : profile.infillDensity)) *
    profile.layerHeightMm;
  return cost;
}

/**
 * Slices the part and times each layer: every contour `perimeters` times with corner
 * slow-downs, travel between contours, and zig-zag infill of `area × density / lineWidth`
 * (lines as long as the layer is wide). Inner perimeters are assumed as long as the outer
 * one; the first and last `solidLayers` are solid, internal top surfaces are not detected.
 * Support is timed as straight infill-speed lines. A layer whose contours repeat the previous
 * layer's (vertical walls) reuses its timing, added to the totals in the same order.
 */
export function estimateFirm(
  input: PrintTimeInput,
  onProgress?: (fraction: number) => void,
): PrintTimeEstimate {
  const { profile } = input;
  let seconds = 0;
  let perimeterPath = 0;
  let infillPath = 0;
  let travelPath = 0;
  let deposited = 0;
  let previous: LayerCost | undefined;
  const timeLayer = (layer: SlicedLayer): void => {
    const solid =
      layer.index < profile.solidLayers || layer.index >= layer.layerCount - profile.solidLayers;
    const cost =
      layer.repeatsPrevious && previous?.solid === solid ? previous : layerCost(layer, profile);
    previous = cost;
    for (const t of cost.seconds) seconds += t;
    for (const hop of cost.travel) travelPath += hop;
    perimeterPath += cost.contour;
    infillPath += cost.infill;
    deposited += cost.deposited;
  };
  const summary = sliceMesh(input.mesh, {
    layerHeightMm: profile.layerHeightMm,
    onLayer: timeLayer,
    onProgress,
  });
  const support = supportMaterial(input);
  const supportPath = support / (profile.lineWidthMm * profile.layerHeightMm);
  seconds += supportPath / profile.infillSpeedMmS;
  const estimate = finish(input, 'FIRM', summary.layerCount, seconds, deposited + support);
  return {
    ...estimate,
    perimeterPathMm: perimeterPath,
    infillPathMm: infillPath,
    supportPathMm: supportPath,
    travelPathMm: travelPath,
    openLoops: summary.openLoopCount,
  };
}
