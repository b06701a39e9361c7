import { LayerSlicer } from './layer-slicer.js';
import type { Extent, SlicedLayer } from './slice-types.js';
import type { IndexedMesh } from './types.js';

export type { SliceLoop, SlicedLayer } from './slice-types.js';

/** Slicing parameters. */
export interface SliceOptions {
  layerHeightMm: number;
  onLayer?: (layer: SlicedLayer) => void;
  onProgress?: (fraction: number) => void;
}

/** Per-layer contour length and area plus totals, plain numbers only. */
export interface SliceSummary {
  layerCount: number;
  layerHeightMm: number;
  zMinMm: number;
  zMaxMm: number;
  layerPerimeterMm: number[];
  layerAreaMm2: number[];
  totalPerimeterMm: number;
  segmentCount: number;
  loopCount: number;
  /** Chains that did not close: holes or self-intersections in the mesh. */
  openLoopCount: number;
  /** Edge crossings computed: the slicing's work (repeated layers compute none, or one check). */
  crossingsComputed: number;
}

function extentOf(p: Float32Array): Extent {
  let zMin = Infinity;
  let zMax = -Infinity;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < p.length; i += 3) {
    const z = p[i + 2]!;
    if (z < zMin) zMin = z;
    if (z > zMax) zMax = z;
    cx += p[i]!;
    cy += p[i + 1]!;
  }
  const vertices = Math.max(1, p.length / 3);
  return { zMin, zMax, cx: cx / vertices, cy: cy / vertices };
}

/**
 * Slices a welded mesh with planes at mid-layer heights. Triangles are bucketed by their first
 * layer and kept in an active list while they span the plane. A vertex exactly on a plane
 * counts as above it, which keeps shared edges consistent. Segments are oriented from the
 * winding (material on the left, outer contours counter-clockwise) and chained into loops by
 * the integer id of the mesh edge they cross (edges are numbered once per mesh). Between two
 * layers with no vertex in between, the same faces cross through the same edges, so the loops
 * of the previous layer are kept and only their points are recomputed: a tall prism of a
 * million facets costs one chaining, not one per layer.
 */
export function sliceMesh(mesh: IndexedMesh, options: SliceOptions): SliceSummary {
  const lh = options.layerHeightMm;
  const extent = extentOf(mesh.positions);
  const height = extent.zMax - extent.zMin;
  const layerCount = height > 0 ? Math.max(1, Math.ceil(height / lh - 1e-9)) : 0;
  const summary: SliceSummary = {
    layerCount,
    layerHeightMm: lh,
    zMinMm: layerCount > 0 ? extent.zMin : 0,
    zMaxMm: layerCount > 0 ? extent.zMax : 0,
    layerPerimeterMm: [],
    layerAreaMm2: [],
    totalPerimeterMm: 0,
    segmentCount: 0,
    loopCount: 0,
    openLoopCount: 0,
    crossingsComputed: 0,
  };
  if (layerCount === 0) return summary;

  const slicer = new LayerSlicer(mesh, extent, lh, layerCount);
  const progressStep = Math.max(1, Math.floor(layerCount / 100));
  for (let k = 0; k < layerCount; k++) {
    const layer = slicer.slice(k);
    summary.layerPerimeterMm.push(layer.perimeterMm);
    summary.layerAreaMm2.push(layer.areaMm2);
    summary.totalPerimeterMm += layer.perimeterMm;
    summary.segmentCount += slicer.segmentCount;
    summary.loopCount += layer.loops.length;
    summary.openLoopCount += layer.loops.filter((loop) => !loop.closed).length;
    options.onLayer?.(layer);
    if (options.onProgress && (k % progressStep === 0 || k === layerCount - 1))
      options.onProgress((k + 1) / layerCount);
  }
  summary.crossingsComputed = slicer.crossingsComputed;
  return summary;
}
