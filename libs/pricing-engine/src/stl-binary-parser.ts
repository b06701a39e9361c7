import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';

const HEADER_BYTES = 84;
const TRIANGLE_BYTES = 50;
const MAX_FLOAT32 = 3.4028234663852886e38;

/**
 * Parses a binary STL into a triangle soup (9 floats per triangle) scaled to millimetres.
 * Normals and attribute bytes are ignored: normals are recomputed from the winding.
 */
export function parseBinaryStl(
  bytes: Uint8Array,
  scaleToMm: number,
  maxTriangles: number,
): Float32Array {
  if (bytes.length < HEADER_BYTES) {
    throw new MeshError(
      'TRUNCATED',
      `The file is truncated: a binary STL needs at least ${HEADER_BYTES} bytes but this one has ${bytes.length}. Re-export the model from your CAD tool.`,
      { byteLength: bytes.length },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const declared = view.getUint32(80, true);
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

  const soup = new Float32Array(declared * 9);
  let offset = HEADER_BYTES + 12;
  let k = 0;
  for (let t = 0; t < declared; t++) {
    for (let c = 0; c < 9; c++) {
      const value = view.getFloat32(offset + c * 4, true) * scaleToMm;
      // `v - v` is NaN for NaN and ±Infinity: one cheap test instead of Number.isFinite.
      if (value - value !== 0 || value > MAX_FLOAT32 || value < -MAX_FLOAT32) {
        throw nonFiniteError(t, view.getFloat32(offset + c * 4, true));
      }
      soup[k++] = value;
    }
    offset += TRIANGLE_BYTES;
  }
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
