import type { ParseLimits } from './limits.js';
import { computeBoundingBox } from './mesh-analysis.js';
import { sniffFormat } from './sniff.js';
import { parseAsciiStl } from './stl-ascii-parser.js';
import { nonFiniteError, readBinaryStlHeader, scanBinaryStl } from './stl-binary-parser.js';
import { parse3mf } from './three-mf-parser.js';
import type { AnalysisWarning, BoundingBox, ModelFormat, StlUnit, ThreeMfUnit } from './types.js';
import { stlUnitToMm } from './units.js';
import { VertexWelder, type WeldResult } from './weld.js';

/** Triangles per step when welding a binary STL (progress is reported after each). */
const CHUNK_TRIANGLES = 1 << 16;

/**
 * Where the validated triangles live: a decoded soup (ASCII STL, 3MF), or the binary STL
 * bytes themselves, which the welder reads directly, so a 36-byte-per-triangle soup is
 * never allocated.
 */
export type TriangleSource =
  | { kind: 'soup'; soup: Float32Array }
  | { kind: 'binary-stl'; bytes: Uint8Array; scaleToMm: number };

/** A validated model, ready to be welded. */
export interface ParsedModel {
  format: ModelFormat;
  /** Unit the file was interpreted in: the caller's for STL, the file's own for 3MF. */
  sourceUnit: StlUnit | ThreeMfUnit;
  triangleCount: number;
  /** Bounding box of every corner, in mm. */
  bbox: BoundingBox;
  source: TriangleSource;
  warnings: AnalysisWarning[];
}

function fromSoup(
  format: ModelFormat,
  sourceUnit: StlUnit | ThreeMfUnit,
  soup: Float32Array,
  warnings: AnalysisWarning[],
): ParsedModel {
  for (let i = 0; i < soup.length; i++) {
    // 3MF transforms can overflow float32 even when every written coordinate was finite.
    if (!Number.isFinite(soup[i]!)) throw nonFiniteError(Math.floor(i / 9), soup[i]!);
  }
  return {
    format,
    sourceUnit,
    triangleCount: soup.length / 9,
    bbox: computeBoundingBox(soup),
    source: { kind: 'soup', soup },
    warnings,
  };
}

/** Sniffs the format and parses with strict validation; throws `MeshError` on bad input. */
export function parseModel(bytes: Uint8Array, unit: StlUnit, limits: ParseLimits): ParsedModel {
  const { format } = sniffFormat(bytes);
  switch (format) {
    case 'STL_BINARY': {
      const scaleToMm = stlUnitToMm(unit);
      const triangleCount = readBinaryStlHeader(bytes, limits.maxTriangles);
      const bbox = scanBinaryStl(bytes, triangleCount, scaleToMm);
      return {
        format,
        sourceUnit: unit,
        triangleCount,
        bbox,
        source: { kind: 'binary-stl', bytes, scaleToMm },
        warnings: [],
      };
    }
    case 'STL_ASCII':
      return fromSoup(
        format,
        unit,
        parseAsciiStl(bytes, stlUnitToMm(unit), limits.maxTriangles),
        [],
      );
    case '3MF': {
      const model = parse3mf(bytes, limits);
      return fromSoup(format, model.unit, model.soup, model.warnings);
    }
  }
}

/** Welds a parsed model's triangles, reading binary STL straight from its bytes. */
export function weldParsed(
  parsed: ParsedModel,
  toleranceMm: number,
  onProgress?: (fraction: number) => void,
): WeldResult {
  const welder = new VertexWelder(parsed.triangleCount, parsed.bbox, toleranceMm);
  const { source } = parsed;
  if (source.kind === 'soup') {
    welder.add(source.soup, parsed.triangleCount);
  } else {
    for (let first = 0; first < parsed.triangleCount; first += CHUNK_TRIANGLES) {
      const count = Math.min(CHUNK_TRIANGLES, parsed.triangleCount - first);
      welder.addBinaryStl(source.bytes, first, count, source.scaleToMm);
      onProgress?.((first + count) / parsed.triangleCount);
    }
  }
  return welder.finish();
}
