/** What the slicer hands out per layer, and what it knows of the mesh's extent. */

/** One contour of a layer: interleaved x, y in mm; `closed` when the chain came back on itself. */
export interface SliceLoop {
  points: Float64Array;
  closed: boolean;
}

/** A layer's contours, handed to `SliceOptions.onLayer`; treat them as read-only. */
export interface SlicedLayer {
  index: number;
  layerCount: number;
  z: number;
  loops: SliceLoop[];
  perimeterMm: number;
  /** Net cross-section area (outer contours minus holes). */
  areaMm2: number;
  /**
   * True when the contours are the previous layer's (the same `loops` objects): the plane
   * crossed the same edges, every corner is where it was, and the only points that moved slid
   * along a straight run between two of them (a vertical wall's facet diagonals). Whatever was
   * computed from the previous layer's contours holds for this one.
   */
  repeatsPrevious: boolean;
}

/** Height range and horizontal centre of a mesh (points are sliced relative to the centre). */
export interface Extent {
  zMin: number;
  zMax: number;
  cx: number;
  cy: number;
}
