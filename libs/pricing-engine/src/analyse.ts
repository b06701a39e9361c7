import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { resolveParseLimits, type ParseLimitOverrides } from './limits.js';
import { fitToMachines, type Machine, type MachineFit } from './machine-fit.js';
import { computeBoundingBox, diagonal, flipWinding, measureMesh } from './mesh-analysis.js';
import { parseModel, weldParsed, type ParsedModel } from './parse.js';
import { countCavities } from './cavities.js';
import { analyseTopology, type TopologyReport } from './topology.js';
import type {
  AnalysisWarning,
  BoundingBox,
  IndexedMesh,
  ModelFormat,
  ProgressCallback,
  StlUnit,
  ThreeMfUnit,
} from './types.js';
import { ENGINE_VERSION } from './version.js';
import { defaultWeldTolerance } from './weld.js';

/** Options of {@link analyseModel}. */
export interface AnalyseOptions {
  /** Unit the STL was exported in; ignored for 3MF, which declares its own. Default `mm`. */
  unit?: StlUnit;
  limits?: ParseLimitOverrides;
  /** Vertex weld tolerance; default 1e-5 × bbox diagonal capped at 1 µm. */
  weldToleranceMm?: number;
  /** Reject the file when more than this fraction of faces is degenerate. Default 0.5. */
  maxDegenerateFraction?: number;
  /** When given, the report says which machines the part fits. */
  machines?: readonly Machine[];
  onProgress?: ProgressCallback;
}

/** JSON-safe facts about a model, all lengths in millimetres. */
export interface AnalysisReport {
  engineVersion: string;
  format: ModelFormat;
  sourceUnit: StlUnit | ThreeMfUnit;
  byteLength: number;
  /** Triangles in the file. */
  inputTriangles: number;
  /** Triangles left after welding dropped collapsed ones. */
  triangleCount: number;
  vertexCount: number;
  /** Never negative: inverted meshes are flipped, see `invertedWindingFixed`. */
  volumeMm3: number;
  surfaceAreaMm2: number;
  bbox: BoundingBox;
  /** Zero-area faces (collapsed by welding or thinner than the weld tolerance). */
  degenerateFaces: number;
  invertedWindingFixed: boolean;
  weldToleranceMm: number;
  topology: TopologyReport;
  machineFit: MachineFit[];
  warnings: AnalysisWarning[];
}

/** Report plus the welded mesh the later stages need (typed arrays, structured-cloneable). */
export interface ModelAnalysis {
  report: AnalysisReport;
  mesh: IndexedMesh;
}

/**
 * Sniffs, parses and validates a model file, then measures it: volume, area and bounding
 * box, welded topology, and optionally which machines it fits. Throws `MeshError` with a
 * customer-facing message when the file cannot be used.
 */
export function analyseModel(bytes: Uint8Array, options: AnalyseOptions = {}): ModelAnalysis {
  const progress = options.onProgress;
  progress?.('parse', 0);
  const parsed = parseModel(bytes, options.unit ?? 'mm', resolveParseLimits(options.limits));
  progress?.('parse', 1);
  return analyseParsed(parsed, bytes.length, options);
}

function analyseParsed(
  parsed: ParsedModel,
  byteLength: number,
  options: AnalyseOptions = {},
): ModelAnalysis {
  const progress = options.onProgress;
  const inputTriangles = parsed.triangleCount;
  const warnings = [...parsed.warnings];
  const tolerance = options.weldToleranceMm ?? defaultWeldTolerance(diagonal(parsed.bbox));
  progress?.('weld', 0);
  const welded = weldParsed(parsed, tolerance, (f) => progress?.('weld', f));
  progress?.('weld', 1);
  const mesh = welded.mesh;

  progress?.('measure', 0);
  const box = computeBoundingBox(mesh.positions);
  const measures = measureMesh(mesh, box, welded.toleranceMm);
  const degenerateFaces = welded.collapsedFaces + measures.degenerateFaces;
  const maxDegenerate = (options.maxDegenerateFraction ?? 0.5) * inputTriangles;
  if (mesh.indices.length === 0 || degenerateFaces > maxDegenerate) {
    throw new MeshError(
      'DEGENERATE_MESH',
      `${formatCount(degenerateFaces)} of ${formatCount(inputTriangles)} triangles have no area, so the model has no usable surface. Check the export settings (units, tolerance) and export again.`,
      { degenerateFaces, inputTriangles },
    );
  }
  if (degenerateFaces > 0) {
    warnings.push({
      code: 'DEGENERATE_FACES',
      message: `${formatCount(degenerateFaces)} triangles have no area; they were ignored.`,
      count: degenerateFaces,
    });
  }
  let volume = measures.signedVolumeMm3;
  const d = diagonal(box);
  const invertedWindingFixed = volume < 0 && Math.abs(volume) > 1e-9 * d * d * d;
  if (invertedWindingFixed) {
    flipWinding(mesh);
    volume = -volume;
    warnings.push({
      code: 'INVERTED_WINDING',
      message:
        'The model was inside out (its faces pointed inwards); it was flipped automatically.',
    });
  }
  if (Math.abs(volume) <= 1e-9 * d * d * d) {
    volume = 0;
    warnings.push({
      code: 'ZERO_VOLUME',
      message:
        'The model encloses no volume; it may be a surface or an open sheet rather than a solid.',
    });
  }
  progress?.('measure', 1);

  progress?.('topology', 0);
  const vertexShell = new Int32Array(mesh.positions.length / 3);
  const edges = analyseTopology(mesh.indices, mesh.positions.length / 3, vertexShell);
  const topology = { ...edges, cavities: countCavities(mesh, edges, vertexShell) };
  progress?.('topology', 1);

  return {
    report: {
      engineVersion: ENGINE_VERSION,
      format: parsed.format,
      sourceUnit: parsed.sourceUnit,
      byteLength,
      inputTriangles,
      triangleCount: mesh.indices.length / 3,
      vertexCount: mesh.positions.length / 3,
      volumeMm3: volume,
      surfaceAreaMm2: measures.surfaceAreaMm2,
      bbox: box,
      degenerateFaces,
      invertedWindingFixed,
      weldToleranceMm: welded.toleranceMm,
      topology,
      machineFit: options.machines ? fitToMachines(box.size, options.machines) : [],
      warnings,
    },
    mesh,
  };
}
