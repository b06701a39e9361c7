import type { ParseLimits } from './limits.js';
import { sniffFormat } from './sniff.js';
import { parseAsciiStl } from './stl-ascii-parser.js';
import { nonFiniteError, parseBinaryStl } from './stl-binary-parser.js';
import { parse3mf } from './three-mf-parser.js';
import type { AnalysisWarning, ModelFormat, StlUnit, ThreeMfUnit } from './types.js';
import { stlUnitToMm } from './units.js';

/** A parsed model as an unindexed triangle soup in millimetres (9 floats per triangle). */
export interface ParsedModel {
  format: ModelFormat;
  /** Unit the file was interpreted in: the caller's for STL, the file's own for 3MF. */
  sourceUnit: StlUnit | ThreeMfUnit;
  soup: Float32Array;
  warnings: AnalysisWarning[];
}

/** Sniffs the format and parses with strict validation; throws `MeshError` on bad input. */
export function parseModel(bytes: Uint8Array, unit: StlUnit, limits: ParseLimits): ParsedModel {
  const { format } = sniffFormat(bytes);
  switch (format) {
    case 'STL_BINARY':
      return {
        format,
        sourceUnit: unit,
        soup: parseBinaryStl(bytes, stlUnitToMm(unit), limits.maxTriangles),
        warnings: [],
      };
    case 'STL_ASCII':
      return {
        format,
        sourceUnit: unit,
        soup: parseAsciiStl(bytes, stlUnitToMm(unit), limits.maxTriangles),
        warnings: [],
      };
    case '3MF': {
      const model = parse3mf(bytes, limits);
      // Transforms can overflow float32 even when every written coordinate was finite.
      for (let i = 0; i < model.soup.length; i++) {
        if (!Number.isFinite(model.soup[i]!))
          throw nonFiniteError(Math.floor(i / 9), model.soup[i]!);
      }
      return { format, sourceUnit: model.unit, soup: model.soup, warnings: model.warnings };
    }
  }
}
