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
 * without materialising the triangles. One pass with the 9 coordinates of a triangle in
 * registers: the per-axis min/max of the three corners first, then one compare against the
 * running box (most of the time not taken), and one finiteness test per triangle.
 */
export function scanBinaryStl(
  bytes: Uint8Array,
  triangleCount: number,
  scaleToMm: number,
): BoundingBox {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const s = scaleToMm;
  let minX = Infinity;
  let minY = Infinity;
  let minZ = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let maxZ = -Infinity;
  for (let t = 0, o = HEADER_BYTES + 12; t < triangleCount; t++, o += TRIANGLE_BYTES) {
    const ax = Math.fround(view.getFloat32(o, true) * s);
    const ay = Math.fround(view.getFloat32(o + 4, true) * s);
    const az = Math.fround(view.getFloat32(o + 8, true) * s);
    const bx = Math.fround(view.getFloat32(o + 12, true) * s);
    const by = Math.fround(view.getFloat32(o + 16, true) * s);
    const bz = Math.fround(view.getFloat32(o + 20, true) * s);
    const cx = Math.fround(view.getFloat32(o + 24, true) * s);
    const cy = Math.fround(view.getFloat32(o + 28, true) * s);
    const cz = Math.fround(view.getFloat32(o + 32, true) * s);
    // `v - v` is 0 for finite v and NaN for NaN and ±Infinity, so the sum is 0 only when all
    // nine are finite.
    const finite =
      ax - ax + (ay - ay) + (az - az) + (bx - bx) + (by - by) + (bz - bz) + (cx - cx) + (cy - cy);
    if (finite + (cz - cz) !== 0) throw nonFiniteAt(view, t, o, s);
    const loX = ax < bx ? (ax < cx ? ax : cx) : bx < cx ? bx : cx;
    const hiX = ax > bx ? (ax > cx ? ax : cx) : bx > cx ? bx : cx;
    const loY = ay < by ? (ay < cy ? ay : cy) : by < cy ? by : cy;
    const hiY = ay > by ? (ay > cy ? ay : cy) : by > cy ? by : cy;
    const loZ = az < bz ? (az < cz ? az : cz) : bz < cz ? bz : cz;
    const hiZ = az > bz ? (az > cz ? az : cz) : bz > cz ? bz : cz;
    if (loX < minX) minX = loX;
    if (hiX > maxX) maxX = hiX;
    if (loY < minY) minY = loY;
    if (hiY > maxY) maxY = hiY;
    if (loZ < minZ) minZ = loZ;
    if (hiZ > maxZ) maxZ = hiZ;
  }
  return {
    min: { x: minX, y: minY, z: minZ },
    max: { x: maxX, y: maxY, z: maxZ },
    size: { x: maxX - minX, y: maxY - minY, z: maxZ - minZ },
  };
}

/** The error for the first coordinate of triangle `t` (at byte `offset`) that is not finite. */
function nonFiniteAt(view: DataView, t: number, offset: number, scaleToMm: number): MeshError {
  let c = 0;
  while (c < 8 && Number.isFinite(Math.fround(view.getFloat32(offset + c * 4, true) * scaleToMm)))
    c++;
  return nonFiniteError(t, view.getFloat32(offset + c * 4, true));
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
