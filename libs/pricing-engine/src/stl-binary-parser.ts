import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import type { BoundingBox } from './types.js';

const HEADER_BYTES = 84;
const TRIANGLE_BYTES = 50;

/**
 * Validates a binary STL header against the file size and limits; returns the triangle count.
 */
export function readBinaryStlHeader(bytes: Uint8Array, maxTriangles: number): number {
  if (bytes.length < HEADER_BYTES) {
    throw new MeshError(
      'TRUNCATED',
      `The file is truncated: a binary STL needs at least ${HEADER_BYTES} bytes but this one has ${bytes.length}. Re-export the model from your CAD tool.`,
      { byteLength: bytes.length },
    );
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(80, true);
  const present = Math.floor((bytes.length - HEADER_BYTES) / TRIANGLE_BYTES);
  const expectedBytes = HEADER_BYTES + TRIANGLE_BYTES * declared;
  if (declared > maxTriangles) {
    throw new MeshError(
      'ABSURD_TRIANGLE_COUNT',
      `The file header claims ${formatCount(declared)} triangles, more than the ${formatCount(maxTriangles)} we accept; the file is probably corrupt. Re-export it, or simplify the mesh.`,
      { declaredTriangles: declared, presentTriangles: present, maxTriangles },
    );
  }
  if (declared === 0) {
    throw new MeshError(
      'EMPTY_MESH',
      'The file contains no triangles. Check that the right body was selected when exporting.',
    );
  }
  if (expectedBytes > bytes.length) {
    throw new MeshError(
      'TRUNCATED',
      `The file is truncated: the header says ${formatCount(declared)} triangles but only ${formatCount(present)} are present. Re-export the model from your CAD tool and upload it again.`,
      { declaredTriangles: declared, presentTriangles: present, byteLength: bytes.length },
    );
  }
  if (expectedBytes < bytes.length) {
    throw new MeshError(
      'TRIANGLE_COUNT_MISMATCH',
      `The file size does not match its header: ${formatCount(declared)} triangles need ${formatCount(expectedBytes)} bytes but the file has ${formatCount(bytes.length)}. The file may be corrupt; re-export it as binary STL.`,
      { declaredTriangles: declared, expectedBytes, byteLength: bytes.length },
    );
  }
  return declared;
}

/**
 * Checks every coordinate is finite (after scaling) and returns the bounding box in mm,
 * without materialising the triangles.
 *
 * The pass over the file reads the coordinates as written, with the 9 of a triangle in
 * registers: one finiteness test per triangle, and a per-axis min/max of the three corners
 * before one compare against the running box (most of the time not taken). Scaling to mm is
 * monotonic, so the scaled box is the scaled raw box, and a coordinate that only overflows
 * once scaled shows at the box's extremes. When anything is not finite, {@link checkScaled}
 * repeats the scan value by value to name the first culprit.
 */
export function scanBinaryStl(
  bytes: Uint8Array,
  triangleCount: number,
  scaleToMm: number,
): BoundingBox {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let minX = Infinity;
  let minY = Infinity;
  let minZ = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let maxZ = -Infinity;
  for (let t = 0, o = HEADER_BYTES + 12; t < triangleCount; t++, o += TRIANGLE_BYTES) {
    const ax = view.getFloat32(o, true);
    const ay = view.getFloat32(o + 4, true);
    const az = view.getFloat32(o + 8, true);
    const bx = view.getFloat32(o + 12, true);
    const by = view.getFloat32(o + 16, true);
    const bz = view.getFloat32(o + 20, true);
    const cx = view.getFloat32(o + 24, true);
    const cy = view.getFloat32(o + 28, true);
    const cz = view.getFloat32(o + 32, true);
    // `v - v` is 0 for finite v and NaN for NaN and ±Infinity, so the sum is 0 only when all
    // nine are finite.
    const finite =
      ax - ax + (ay - ay) + (az - az) + (bx - bx) + (by - by) + (bz - bz) + (cx - cx) + (cy - cy);
    if (finite + (cz - cz) !== 0) return checkScaled(view, triangleCount, scaleToMm);
    // Strict compares keep the first of equal values, as a corner-by-corner scan would
    // (which decides the sign of a zero).
    let lo = bx < ax ? bx : ax;
    if ((cx < lo ? cx : lo) < minX) minX = cx < lo ? cx : lo;
    let hi = bx > ax ? bx : ax;
    if ((cx > hi ? cx : hi) > maxX) maxX = cx > hi ? cx : hi;
    lo = by < ay ? by : ay;
    if ((cy < lo ? cy : lo) < minY) minY = cy < lo ? cy : lo;
    hi = by > ay ? by : ay;
    if ((cy > hi ? cy : hi) > maxY) maxY = cy > hi ? cy : hi;
    lo = bz < az ? bz : az;
    if ((cz < lo ? cz : lo) < minZ) minZ = cz < lo ? cz : lo;
    hi = bz > az ? bz : az;
    if ((cz > hi ? cz : hi) > maxZ) maxZ = cz > hi ? cz : hi;
  }
  const s = scaleToMm;
  const min = { x: Math.fround(minX * s), y: Math.fround(minY * s), z: Math.fround(minZ * s) };
  const max = { x: Math.fround(maxX * s), y: Math.fround(maxY * s), z: Math.fround(maxZ * s) };
  const size = { x: max.x - min.x, y: max.y - min.y, z: max.z - min.z };
  if (!Number.isFinite(size.x + size.y + size.z)) return checkScaled(view, triangleCount, s);
  return { min, max, size };
}

/**
 * Value by value, in file order: the first coordinate that is not finite once scaled to mm
 * throws, naming its triangle. Reached only when the fast scan saw such a coordinate.
 */
function checkScaled(view: DataView, triangleCount: number, scaleToMm: number): never {
  for (let t = 0, o = HEADER_BYTES + 12; t < triangleCount; t++, o += TRIANGLE_BYTES) {
    for (let c = 0; c < 9; c++) {
      const raw = view.getFloat32(o + c * 4, true);
      if (!Number.isFinite(Math.fround(raw * scaleToMm))) throw nonFiniteError(t, raw);
    }
  }
  throw new Error('checkScaled: every coordinate is finite');
}

/** Copies `count` triangles starting at `first` into `out` (9 floats each, scaled to mm). */
export function readBinaryStlTriangles(
  bytes: Uint8Array,
  first: number,
  count: number,
  scaleToMm: number,
  out: Float32Array,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let k = 0;
  for (
    let t = 0, offset = HEADER_BYTES + 12 + first * TRIANGLE_BYTES;
    t < count;
    t++, offset += TRIANGLE_BYTES
  ) {
    for (let c = 0; c < 9; c++) out[k++] = view.getFloat32(offset + c * 4, true) * scaleToMm;
  }
}

/** Parses a whole binary STL into a triangle soup (9 floats per triangle) in millimetres. */
export function parseBinaryStl(
  bytes: Uint8Array,
  scaleToMm: number,
  maxTriangles: number,
): Float32Array {
  const count = readBinaryStlHeader(bytes, maxTriangles);
  scanBinaryStl(bytes, count, scaleToMm);
  const soup = new Float32Array(count * 9);
  readBinaryStlTriangles(bytes, 0, count, scaleToMm, soup);
  return soup;
}

/** Builds the customer message for a NaN/Infinity coordinate in triangle `triangle` (0-based). */
export function nonFiniteError(triangle: number, value: number, line?: number): MeshError {
  const where = line === undefined ? '' : ` (line ${formatCount(line)})`;
  return new MeshError(
    'NON_FINITE_COORDINATE',
    `Triangle ${formatCount(triangle + 1)}${where} has an invalid coordinate (${String(value)}). The exporter wrote broken geometry; repair or re-export the model.`,
    line === undefined ? { triangle: triangle + 1 } : { triangle: triangle + 1, line },
  );
}
