/** Height of layer k's cutting plane; the one expression every caller must use. */
export function planeZ(zMin: number, layerHeightMm: number, k: number): number {
  return zMin + (k + 0.5) * layerHeightMm;
}

/**
 * Marks the layers at which some vertex passes from above the plane to below it: layer k is
 * marked when a vertex has `plane(k - 1) <= z < plane(k)` (a vertex on a plane counts as above
 * it, as in the slicer). Between unmarked layers every face keeps the side of each corner, so
 * the same faces cross the plane through the same edges: the layer's loops are the previous
 * layer's, only their points move. O(vertices).
 */
export function layersWithVertexEvents(
  positions: Float32Array,
  zMin: number,
  layerHeightMm: number,
  layerCount: number,
): Uint8Array {
  const marked = new Uint8Array(layerCount);
  for (let i = 2; i < positions.length; i += 3) {
    const z = positions[i]!;
    // The first layer whose plane is above z: estimated, then settled with the exact planes.
    let k = Math.min(layerCount, Math.max(0, Math.ceil((z - zMin) / layerHeightMm - 0.5)));
    while (k > 0 && planeZ(zMin, layerHeightMm, k - 1) > z) k--;
    while (k < layerCount && planeZ(zMin, layerHeightMm, k) <= z) k++;
    if (k >= 1 && k < layerCount) marked[k] = 1;
  }
  return marked;
}
