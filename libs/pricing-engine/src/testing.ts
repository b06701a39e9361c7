/**
 * Mesh generators and file writers for tests across the repo (service integration tests
 * upload these). Not part of the engine's runtime API.
 */
import { box, cube } from './testing/mesh-generators.js';
import { toAsciiStl, toBinaryStl } from './testing/mesh-writers.js';

export {
  box,
  cube,
  cylinder,
  frustum,
  invert,
  torus,
  translate,
  uvSphere,
  voxels,
  type Point,
  type Triangle,
} from './testing/mesh-generators.js';
export {
  to3mf,
  to3mfModelXml,
  toAsciiStl,
  toBinaryStl,
  type ThreeMfOptions,
} from './testing/mesh-writers.js';
export { createZip, type ZipInput } from './testing/zip-writer.js';
export {
  meshXml,
  modelRelationships,
  modelXml,
  threeMfPackage,
  toProduction3mf,
  type ProductionObject,
} from './testing/three-mf-package.js';
export {
  componentBomb,
  componentCycle,
  decompressionBomb,
  deepNesting,
  instancingBomb,
  lyingZip,
  overlappingEntries,
  type BombKind,
  type BombLeaf,
  type ZipLie,
} from './testing/hostile-3mf.js';
export { sampleMachines, samplePriceList } from './testing/fixtures.js';

/** A cube of side `sizeMm` as STL bytes (binary by default). */
export function cubeStl(sizeMm: number, format: 'binary' | 'ascii' = 'binary'): Uint8Array {
  return format === 'binary' ? toBinaryStl(cube(sizeMm)) : toAsciiStl(cube(sizeMm));
}

/** A box as STL bytes (binary by default). */
export function boxStl(
  xMm: number,
  yMm: number,
  zMm: number,
  format: 'binary' | 'ascii' = 'binary',
): Uint8Array {
  const triangles = box(xMm, yMm, zMm);
  return format === 'binary' ? toBinaryStl(triangles) : toAsciiStl(triangles);
}
