import { IDENTITY, scaleTranslation, type Affine } from './affine.util.js';
import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { ensureFloat32, ensureUint32 } from './growable.util.js';
import type { ParseLimits } from './limits.js';
import type { ThreeMfUnit } from './types.js';
import { threeMfUnitToMm } from './units.js';
import { XmlScanner } from './xml-scanner.js';

/** Namespace of the 3MF Production Extension, whose `path` attribute points into other parts. */
export const PRODUCTION_NAMESPACE =
  'http://schemas.microsoft.com/3dmanufacturing/production/2015/06';

/** A reference to an object: in the same model part, or in the part at `path` (production). */
export interface ObjectRef {
  objectId: number;
  path: string | undefined;
  transform: Affine;
}

/** One `<object>`: its mesh (in the root part's unit) and its components. */
export interface MeshObject {
  id: number;
  type: string;
  vertices: Float32Array;
  vertexCount: number;
  triangles: Uint32Array;
  triangleCount: number;
  components: ObjectRef[];
}

/** One model part (an XML file of the package). */
export interface ModelPart {
  name: string;
  unit: ThreeMfUnit;
  objects: Map<number, MeshObject>;
  /** Build items; only the root part's count (the spec makes consumers ignore the others'). */
  items: ObjectRef[];
}

/** How a part is read: the root, or a part referenced from it (which is in `rootUnit`). */
export interface PartContext {
  root: boolean;
  rootUnit: ThreeMfUnit;
  limits: ParseLimits;
  /** Triangles read so far from the whole package, for the literal-triangle limit. */
  triangles: { count: number };
}

/** INVALID_3MF with a line when known. */
export function invalid3mf(message: string, line?: number): MeshError {
  const where = line === undefined ? '' : ` at line ${formatCount(line)}`;
  return new MeshError(
    'INVALID_3MF',
    `The 3MF model is invalid${where}: ${message}. Export the model again.`,
    line === undefined ? {} : { line },
  );
}

export function tooManyTriangles(maxTriangles: number): MeshError {
  return new MeshError(
    'TOO_MANY_TRIANGLES',
    `The model has more than ${formatCount(maxTriangles)} triangles. Simplify (decimate) the mesh before uploading.`,
    { maxTriangles },
  );
}

function parseTransform(scanner: XmlScanner, scale: number): Affine {
  const index = scanner.attr('transform');
  if (index < 0) return IDENTITY;
  const values = scanner.attrText(index).trim().split(/\s+/).map(Number);
  if (values.length !== 12 || !values.every(Number.isFinite)) {
    throw invalid3mf('a transform must have 12 finite numbers', scanner.line());
  }
  return scaleTranslation(values, scale);
}

/** Reads the `<model>` tag: its unit, and the prefixes bound to the production namespace. */
function readModelTag(scanner: XmlScanner): { unit: ThreeMfUnit; pathAttributes: string[] } {
  const unitIndex = scanner.attr('unit');
  const unit = unitIndex < 0 ? 'millimeter' : scanner.attrText(unitIndex);
  if (threeMfUnitToMm(unit) === undefined)
    throw invalid3mf(`unknown unit "${unit.slice(0, 20)}"`, scanner.line());
  const prefixes: string[] = [];
  for (let i = 0; i < scanner.attributeCount(); i++) {
    const name = scanner.attrName(i);
    if (name.startsWith('xmlns:') && scanner.attrText(i) === PRODUCTION_NAMESPACE)
      prefixes.push(name.slice('xmlns:'.length));
  }
  // Some writers use `p:path` without declaring the namespace; `p` is the spec's own prefix.
  if (prefixes.length === 0) prefixes.push('p');
  return { unit: unit as ThreeMfUnit, pathAttributes: prefixes.map((p) => `${p}:path`) };
}

/** The reference on the current `<item>` or `<component>` tag. */
function readRef(scanner: XmlScanner, pathAttributes: string[], scale: number): ObjectRef {
  let path: string | undefined;
  for (const name of pathAttributes) {
    const index = scanner.attr(name);
    if (index >= 0) path = scanner.attrText(index);
  }
  return {
    objectId: scanner.attrIndex('objectid'),
    path,
    transform: parseTransform(scanner, scale),
  };
}

/** Reads a model part: objects with their meshes and components, and the build items. */
export function parseModelPart(xml: Uint8Array, name: string, context: PartContext): ModelPart {
  const scanner = new XmlScanner(xml, name);
  const part: ModelPart = { name, unit: context.rootUnit, objects: new Map(), items: [] };
  const reader = new PartReader(scanner, part, context);
  for (let token = scanner.next(); token !== 'eof'; token = scanner.next()) {
    if (token === 'close') reader.close();
    else reader.open();
  }
  reader.finishObject();
  return part;
}

/** The state of one part's scan: the open object, mesh and build. */
class PartReader {
  private current: MeshObject | undefined;
  private inMesh = false;
  private inBuild = false;
  private pathAttributes: string[] = ['p:path'];
  /** Converts this part's lengths to the root part's unit. */
  private scale = 1;

  constructor(
    private readonly scanner: XmlScanner,
    private readonly part: ModelPart,
    private readonly context: PartContext,
  ) {}

  close(): void {
    const { scanner } = this;
    if (scanner.is('object')) this.finishObject();
    else if (scanner.is('mesh')) this.inMesh = false;
    else if (scanner.is('build')) this.inBuild = false;
  }

  open(): void {
    const { scanner } = this;
    if (scanner.is('vertex')) this.vertex();
    else if (scanner.is('triangle')) this.triangle();
    else if (scanner.is('model')) this.model();
    else if (scanner.is('object')) this.object();
    else if (scanner.is('mesh')) this.inMesh = this.current !== undefined && !scanner.selfClosing;
    else if (scanner.is('component')) this.component();
    else if (scanner.is('build')) this.inBuild = !scanner.selfClosing;
    else if (scanner.is('item') && this.inBuild && this.context.root)
      this.part.items.push(readRef(scanner, this.pathAttributes, 1));
  }

  private model(): void {
    const tag = readModelTag(this.scanner);
    this.pathAttributes = tag.pathAttributes;
    this.part.unit = tag.unit;
    if (!this.context.root)
      this.scale = threeMfUnitToMm(tag.unit)! / threeMfUnitToMm(this.context.rootUnit)!;
  }

  private vertex(): void {
    const o = this.current;
    if (!o || !this.inMesh) return;
    const { scanner, scale } = this;
    o.vertices = ensureFloat32(o.vertices, (o.vertexCount + 1) * 3);
    const k = o.vertexCount++ * 3;
    o.vertices[k] = scanner.attrNumber('x') * scale;
    o.vertices[k + 1] = scanner.attrNumber('y') * scale;
    o.vertices[k + 2] = scanner.attrNumber('z') * scale;
  }

  private triangle(): void {
    const o = this.current;
    if (!o || !this.inMesh) return;
    const { scanner, context } = this;
    if (++context.triangles.count > context.limits.maxTriangles)
      throw tooManyTriangles(context.limits.maxTriangles);
    o.triangles = ensureUint32(o.triangles, (o.triangleCount + 1) * 3);
    const k = o.triangleCount++ * 3;
    o.triangles[k] = scanner.attrIndex('v1');
    o.triangles[k + 1] = scanner.attrIndex('v2');
    o.triangles[k + 2] = scanner.attrIndex('v3');
  }

  private object(): void {
    this.finishObject();
    const { scanner } = this;
    const typeIndex = scanner.attr('type');
    this.current = {
      id: scanner.attrIndex('id'),
      type: typeIndex < 0 ? 'model' : scanner.attrText(typeIndex),
      vertices: new Float32Array(0),
      vertexCount: 0,
      triangles: new Uint32Array(0),
      triangleCount: 0,
      components: [],
    };
    if (scanner.selfClosing) this.finishObject();
  }

  private component(): void {
    const o = this.current;
    if (!o) return;
    const ref = readRef(this.scanner, this.pathAttributes, this.scale);
    // Production extension 3.1.2: only the root part's components may point into other parts,
    // which keeps references one level deep.
    if (ref.path !== undefined && !this.context.root)
      throw invalid3mf(
        `object ${o.id} in the referenced part "${this.part.name}" points into another part`,
        this.scanner.line(),
      );
    o.components.push(ref);
  }

  finishObject(): void {
    const o = this.current;
    if (!o) return;
    for (let i = 0; i < o.triangleCount * 3; i++) {
      if (o.triangles[i]! >= o.vertexCount) {
        throw invalid3mf(
          `object ${o.id} refers to vertex ${o.triangles[i]!} but has only ${formatCount(o.vertexCount)} vertices`,
        );
      }
    }
    this.part.objects.set(o.id, o);
    this.current = undefined;
    this.inMesh = false;
  }
}
