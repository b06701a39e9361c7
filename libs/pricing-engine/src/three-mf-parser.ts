import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { ensureFloat32, ensureUint32 } from './growable.util.js';
import type { ParseLimits } from './limits.js';
import type { AnalysisWarning, ThreeMfUnit } from './types.js';
import { threeMfUnitToMm } from './units.js';
import { XmlScanner } from './xml-scanner.js';
import { extractZipEntry, readZipDirectory, type ZipEntry } from './zip-reader.js';

const MODEL_RELATIONSHIP_SUFFIX = '/3dmodel';
const DEFAULT_MODEL_PART = '3d/3dmodel.model';
const MAX_COMPONENT_DEPTH = 16;
const SKIPPED_OBJECT_TYPES = new Set(['support', 'surface', 'other']);

/** Row-vector affine transform as written by 3MF: m00 m01 m02 m10 ... m22 m30 m31 m32. */
type Affine = readonly number[];
const IDENTITY: Affine = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];

interface MeshObject {
  id: number;
  type: string;
  vertices: Float32Array;
  vertexCount: number;
  triangles: Uint32Array;
  triangleCount: number;
  components: { objectId: number; transform: Affine }[];
}

/** Triangle soup and metadata extracted from a 3MF package. */
export interface ThreeMfModel {
  soup: Float32Array;
  unit: ThreeMfUnit;
  warnings: AnalysisWarning[];
}

/**
 * Parses a 3MF package: locates the root model part via `_rels/.rels`, reads every object's
 * mesh and applies build-item and component transforms (mirroring transforms keep outward
 * winding). Objects in other model parts (production extension) are not supported.
 */
export function parse3mf(bytes: Uint8Array, limits: ParseLimits): ThreeMfModel {
  const entries = readZipDirectory(bytes, limits.zip);
  const modelEntry = findModelEntry(bytes, entries, limits);
  const xml = extractZipEntry(bytes, modelEntry, limits.zip);
  const parsed = parseModelXml(xml, modelEntry.name, limits);
  return emitBuild(parsed, limits);
}

function findEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  const wanted = name.replace(/^\//, '').toLowerCase();
  return entries.find((e) => e.name.toLowerCase() === wanted);
}

function findModelEntry(bytes: Uint8Array, entries: ZipEntry[], limits: ParseLimits): ZipEntry {
  const rels = findEntry(entries, '_rels/.rels');
  if (rels) {
    const scanner = new XmlScanner(extractZipEntry(bytes, rels, limits.zip), rels.name);
    for (let token = scanner.next(); token !== 'eof'; token = scanner.next()) {
      if (token !== 'open' || !scanner.is('Relationship')) continue;
      const type = scanner.attr('Type');
      const target = scanner.attr('Target');
      if (type >= 0 && target >= 0 && scanner.attrText(type).endsWith(MODEL_RELATIONSHIP_SUFFIX)) {
        const entry = findEntry(entries, scanner.attrText(target));
        if (entry) return entry;
      }
    }
  }
  const fallback =
    findEntry(entries, DEFAULT_MODEL_PART) ??
    entries.find((e) => e.name.toLowerCase().endsWith('.model'));
  if (!fallback) {
    throw new MeshError(
      'MODEL_PART_MISSING',
      'The 3MF file contains no 3D model. Export the part again as 3MF, or upload an STL.',
    );
  }
  return fallback;
}

interface ParsedModel {
  unit: ThreeMfUnit;
  objects: Map<number, MeshObject>;
  items: { objectId: number; transform: Affine }[];
}

function invalid(message: string, line?: number): MeshError {
  const where = line === undefined ? '' : ` at line ${formatCount(line)}`;
  return new MeshError(
    'INVALID_3MF',
    `The 3MF model is invalid${where}: ${message}. Export the model again.`,
    line === undefined ? {} : { line },
  );
}

function parseTransform(scanner: XmlScanner): Affine {
  const index = scanner.attr('transform');
  if (index < 0) return IDENTITY;
  const values = scanner.attrText(index).trim().split(/\s+/).map(Number);
  if (values.length !== 12 || !values.every(Number.isFinite)) {
    throw invalid('a transform must have 12 finite numbers', scanner.line());
  }
  return values;
}

function parseModelXml(xml: Uint8Array, partName: string, limits: ParseLimits): ParsedModel {
  const scanner = new XmlScanner(xml, partName);
  const model: ParsedModel = { unit: 'millimeter', objects: new Map(), items: [] };
  let current: MeshObject | undefined;
  let inMesh = false;
  let inBuild = false;
  let totalTriangles = 0;

  const finishObject = (): void => {
    if (!current) return;
    for (let i = 0; i < current.triangleCount * 3; i++) {
      if (current.triangles[i]! >= current.vertexCount) {
        throw invalid(
          `object ${current.id} refers to vertex ${current.triangles[i]!} but has only ${formatCount(current.vertexCount)} vertices`,
        );
      }
    }
    model.objects.set(current.id, current);
    current = undefined;
    inMesh = false;
  };

  for (let token = scanner.next(); token !== 'eof'; token = scanner.next()) {
    if (token === 'close') {
      if (scanner.is('object')) finishObject();
      else if (scanner.is('mesh')) inMesh = false;
      else if (scanner.is('build')) inBuild = false;
      continue;
    }
    if (scanner.is('vertex')) {
      if (!current || !inMesh) continue;
      current.vertices = ensureFloat32(current.vertices, (current.vertexCount + 1) * 3);
      const k = current.vertexCount++ * 3;
      current.vertices[k] = scanner.attrNumber('x');
      current.vertices[k + 1] = scanner.attrNumber('y');
      current.vertices[k + 2] = scanner.attrNumber('z');
    } else if (scanner.is('triangle')) {
      if (!current || !inMesh) continue;
      if (++totalTriangles > limits.maxTriangles) throw tooManyTriangles(limits.maxTriangles);
      current.triangles = ensureUint32(current.triangles, (current.triangleCount + 1) * 3);
      const k = current.triangleCount++ * 3;
      current.triangles[k] = scanner.attrIndex('v1');
      current.triangles[k + 1] = scanner.attrIndex('v2');
      current.triangles[k + 2] = scanner.attrIndex('v3');
    } else if (scanner.is('model')) {
      const unitIndex = scanner.attr('unit');
      const unit = unitIndex < 0 ? 'millimeter' : scanner.attrText(unitIndex);
      if (threeMfUnitToMm(unit) === undefined)
        throw invalid(`unknown unit "${unit.slice(0, 20)}"`, scanner.line());
      model.unit = unit as ThreeMfUnit;
    } else if (scanner.is('object')) {
      finishObject();
      const typeIndex = scanner.attr('type');
      current = {
        id: scanner.attrIndex('id'),
        type: typeIndex < 0 ? 'model' : scanner.attrText(typeIndex),
        vertices: new Float32Array(0),
        vertexCount: 0,
        triangles: new Uint32Array(0),
        triangleCount: 0,
        components: [],
      };
      if (scanner.selfClosing) finishObject();
    } else if (scanner.is('mesh')) {
      inMesh = current !== undefined && !scanner.selfClosing;
    } else if (scanner.is('component')) {
      current?.components.push({
        objectId: scanner.attrIndex('objectid'),
        transform: parseTransform(scanner),
      });
    } else if (scanner.is('build')) {
      inBuild = !scanner.selfClosing;
    } else if (scanner.is('item') && inBuild) {
      model.items.push({
        objectId: scanner.attrIndex('objectid'),
        transform: parseTransform(scanner),
      });
    }
  }
  finishObject();
  return model;
}

function tooManyTriangles(maxTriangles: number): MeshError {
  return new MeshError(
    'TOO_MANY_TRIANGLES',
    `The model has more than ${formatCount(maxTriangles)} triangles. Simplify (decimate) the mesh before uploading.`,
    { maxTriangles },
  );
}

/** Applies `inner` then `outer` (row-vector convention: p' = p·L + t). */
function compose(inner: Affine, outer: Affine): Affine {
  const r: number[] = new Array<number>(12).fill(0);
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 3; col++) {
      let sum = row === 3 ? outer[9 + col]! : 0;
      for (let k = 0; k < 3; k++) sum += inner[row * 3 + k]! * outer[k * 3 + col]!;
      r[row * 3 + col] = sum;
    }
  }
  return r;
}

function determinant(m: Affine): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}

function emitBuild(model: ParsedModel, limits: ParseLimits): ThreeMfModel {
  const warnings: AnalysisWarning[] = [];
  let items = model.items;
  if (items.length === 0) {
    // No <build>: print every object that is not only a component of another one.
    const referenced = new Set<number>();
    for (const o of model.objects.values())
      for (const c of o.components) referenced.add(c.objectId);
    items = [...model.objects.keys()]
      .filter((id) => !referenced.has(id))
      .map((objectId) => ({ objectId, transform: IDENTITY }));
  }
  const skipped = new Set<number>();
  const walk = (
    objectId: number,
    transform: Affine,
    depth: number,
    visit: (o: MeshObject, t: Affine) => void,
  ): void => {
    const object = model.objects.get(objectId);
    if (!object) throw invalid(`the build refers to object ${objectId}, which does not exist`);
    if (depth > MAX_COMPONENT_DEPTH)
      throw invalid('components are nested too deeply or recursively');
    if (SKIPPED_OBJECT_TYPES.has(object.type)) {
      skipped.add(objectId);
      return;
    }
    if (object.triangleCount > 0) visit(object, transform);
    for (const c of object.components)
      walk(c.objectId, compose(c.transform, transform), depth + 1, visit);
  };

  let total = 0;
  for (const item of items) {
    walk(item.objectId, item.transform, 0, (o) => {
      total += o.triangleCount;
      if (total > limits.maxTriangles) throw tooManyTriangles(limits.maxTriangles);
    });
  }
  if (total === 0) {
    throw new MeshError(
      'EMPTY_MESH',
      'The 3MF file contains no printable triangles. Check that the part is included in the export.',
    );
  }

  const scale = threeMfUnitToMm(model.unit) ?? 1;
  const soup = new Float32Array(total * 9);
  let k = 0;
  for (const item of items) {
    walk(item.objectId, item.transform, 0, (o, m) => {
      const mirrored = determinant(m) < 0;
      for (let t = 0; t < o.triangleCount; t++) {
        for (let c = 0; c < 3; c++) {
          // A mirroring transform turns the winding inside out; swapping two corners restores it.
          const corner = mirrored && c > 0 ? 3 - c : c;
          const v = o.triangles[t * 3 + corner]! * 3;
          const x = o.vertices[v]!;
          const y = o.vertices[v + 1]!;
          const z = o.vertices[v + 2]!;
          soup[k++] = (x * m[0]! + y * m[3]! + z * m[6]! + m[9]!) * scale;
          soup[k++] = (x * m[1]! + y * m[4]! + z * m[7]! + m[10]!) * scale;
          soup[k++] = (x * m[2]! + y * m[5]! + z * m[8]! + m[11]!) * scale;
        }
      }
    });
  }
  if (skipped.size > 0) {
    warnings.push({
      code: 'OBJECTS_SKIPPED',
      message: `${skipped.size} object(s) marked as support, surface or other were not priced.`,
      count: skipped.size,
    });
  }
  return { soup, unit: model.unit, warnings };
}
