import { MeshError } from './errors.js';
import type { ParseLimits } from './limits.js';
import { newParseWork, type ParseWork } from './parse-work.js';
import { emitBuild } from './three-mf-emit.js';
import { boundBuild, checkBounds, partKey, resolveBuild } from './three-mf-graph.js';
import { parseModelPart, type ModelPart, type PartContext } from './three-mf-model.js';
import type { AnalysisWarning, ThreeMfUnit } from './types.js';
import { threeMfUnitToMm } from './units.js';
import { XmlScanner } from './xml-scanner.js';
import { ZipArchive } from './zip-archive.js';
import type { ZipEntry } from './zip-reader.js';

const MODEL_RELATIONSHIP_SUFFIX = '/3dmodel';
const DEFAULT_MODEL_PART = '3d/3dmodel.model';

/** Triangle soup and metadata extracted from a 3MF package. */
export interface ThreeMfModel {
  soup: Float32Array;
  unit: ThreeMfUnit;
  warnings: AnalysisWarning[];
}

/**
 * Parses a 3MF package: locates the root model part via `_rels/.rels`, reads it and the model
 * parts its build items and components point to (production extension `p:path`, as Bambu Studio
 * and OrcaSlicer write them), bounds what the component graph expands to, then writes every
 * placement with its transforms (mirroring transforms keep outward winding). `work` counts what
 * was done, for tests.
 */
export function parse3mf(
  bytes: Uint8Array,
  limits: ParseLimits,
  work: ParseWork = newParseWork(),
): ThreeMfModel {
  const zip = new ZipArchive(bytes, limits.zip, work);
  const rootEntry = findModelEntry(zip);
  const context: PartContext = {
    root: true,
    rootUnit: 'millimeter',
    limits,
    triangles: { count: 0 },
  };
  const root = parseModelPart(zip.extract(rootEntry), rootEntry.name, context);
  work.partsParsed++;
  const parts = loadReferencedParts(
    zip,
    root,
    { ...context, root: false, rootUnit: root.unit },
    work,
  );
  const graph = resolveBuild(parts, root);
  const bounds = boundBuild(graph, work);
  checkBounds(
    bounds,
    limits.components,
    limits.maxTriangles,
    bytes.length,
    context.triangles.count,
  );
  const skipped = bounds.skippedObjects;
  if (bounds.triangles === 0) {
    const why =
      skipped > 0 ? ` (${skipped} object(s) are marked as support, surface or other)` : '';
    throw new MeshError(
      'EMPTY_MESH',
      `The 3MF file contains no printable triangles${why}. Check that the part is included in the export.`,
    );
  }
  const soup = emitBuild(graph, bounds, threeMfUnitToMm(root.unit) ?? 1, work);
  const warnings: AnalysisWarning[] = [];
  if (skipped > 0) {
    warnings.push({
      code: 'OBJECTS_SKIPPED',
      message: `${skipped} object(s) marked as support, surface or other were not priced.`,
      count: skipped,
    });
  }
  return { soup, unit: root.unit, warnings };
}

/** The root part and every part its items and components point to, by {@link partKey}. */
function loadReferencedParts(
  zip: ZipArchive,
  root: ModelPart,
  context: PartContext,
  work: ParseWork,
): Map<string, ModelPart> {
  const parts = new Map<string, ModelPart>([[partKey(root.name), root]]);
  const refs = [...root.items, ...[...root.objects.values()].flatMap((o) => o.components)];
  for (const { path } of refs) {
    if (path === undefined || parts.has(partKey(path))) continue;
    const entry = zip.find(path);
    if (!entry) {
      throw new MeshError(
        'MODEL_PART_MISSING',
        `The 3MF file refers to the model part "${path.slice(0, 200)}", which it does not contain. Export the model again.`,
        { part: path.slice(0, 200) },
      );
    }
    parts.set(partKey(path), parseModelPart(zip.extract(entry), entry.name, context));
    work.partsParsed++;
  }
  return parts;
}

function findModelEntry(zip: ZipArchive): ZipEntry {
  const rels = zip.find('_rels/.rels');
  if (rels) {
    const scanner = new XmlScanner(zip.extract(rels), rels.name);
    for (let token = scanner.next(); token !== 'eof'; token = scanner.next()) {
      if (token !== 'open' || !scanner.is('Relationship')) continue;
      const type = scanner.attr('Type');
      const target = scanner.attr('Target');
      if (type >= 0 && target >= 0 && scanner.attrText(type).endsWith(MODEL_RELATIONSHIP_SUFFIX)) {
        const entry = zip.find(scanner.attrText(target));
        if (entry) return entry;
      }
    }
  }
  const fallback =
    zip.find(DEFAULT_MODEL_PART) ??
    zip.entries.find((e) => e.name.toLowerCase().endsWith('.model'));
  if (!fallback) {
    throw new MeshError(
      'MODEL_PART_MISSING',
      'The 3MF file contains no 3D model. Export the part again as 3MF, or upload an STL.',
    );
  }
  return fallback;
}
