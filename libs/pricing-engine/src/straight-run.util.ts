/**
 * A contour point this close (mm) to the chord between its neighbours, and between them, lies on
 * a straight run: a wall split into triangles puts such points where the plane crosses a facet's
 * diagonal. Far below any printable detail, far above float64 rounding of the crossing points.
 */
export const STRAIGHT_RUN_TOLERANCE_MM = 1e-9;

/** True when P lies on the segment from A to B (strictly between them, within the tolerance). */
export function isOnStraightRun(
  ax: number,
  ay: number,
  px: number,
  py: number,
  bx: number,
  by: number,
): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  const wx = px - ax;
  const wy = py - ay;
  const along = wx * dx + wy * dy;
  const chord2 = dx * dx + dy * dy;
  if (!(along > 0 && along < chord2)) return false;
  const cross = dx * wy - dy * wx;
  return cross * cross <= STRAIGHT_RUN_TOLERANCE_MM * STRAIGHT_RUN_TOLERANCE_MM * chord2;
}
