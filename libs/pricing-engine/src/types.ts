/** A point or extent in millimetres. */
export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** Axis-aligned bounding box in millimetres. */
export interface BoundingBox {
  min: Vec3;
  max: Vec3;
  size: Vec3;
}

/** Manufacturing technologies the engine knows how to estimate. */
export type Technology = 'FDM' | 'SLA' | 'SLS' | 'MJF';

/** The technologies, in a stable order (useful for validation and iteration). */
export const TECHNOLOGIES: readonly Technology[] = ['FDM', 'SLA', 'SLS', 'MJF'];

/** Units an STL file may have been exported in (STL itself carries no unit). */
export type StlUnit = 'mm' | 'cm' | 'inch';

/** Units a 3MF `<model unit=...>` attribute may declare. */
export type ThreeMfUnit = 'micron' | 'millimeter' | 'centimeter' | 'inch' | 'foot' | 'meter';

/** Detected container format of an uploaded model. */
export type ModelFormat = 'STL_BINARY' | 'STL_ASCII' | '3MF';

/**
 * Welded triangle mesh in millimetres: 3 floats per vertex, 3 vertex indices per triangle,
 * counter-clockwise seen from outside. About 18 bytes per triangle for a closed mesh.
 */
export interface IndexedMesh {
  positions: Float32Array;
  indices: Uint32Array;
}

/** Reports progress of a long stage; `fraction` goes from 0 to 1 within each stage. */
export type ProgressCallback = (stage: string, fraction: number) => void;

/** Non-fatal observations about a model, worded for the customer. */
export interface AnalysisWarning {
  code: 'DEGENERATE_FACES' | 'INVERTED_WINDING' | 'ZERO_VOLUME' | 'OBJECTS_SKIPPED';
  message: string;
  count?: number;
}
