import type { ThreeMfUnit } from '../types.js';
import type { Point, Triangle } from './mesh-generators.js';
import { createZip, type ZipInput } from './zip-writer.js';

const CORE_NS = 'http://schemas.microsoft.com/3dmanufacturing/core/2015/02';
const PRODUCTION_NS = 'http://schemas.microsoft.com/3dmanufacturing/production/2015/06';
const MODEL_REL = 'http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel';

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>';

/** An OPC relationships part pointing at model parts. */
export function modelRelationships(targets: readonly string[]): string {
  const rels = targets.map(
    (target, i) => `<Relationship Target="${target}" Id="rel${i}" Type="${MODEL_REL}"/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
}

/**
 * A 3MF package: content types, the root relationship to `3D/3dmodel.model` (whose XML is
 * `rootModel`), and any other parts as given.
 */
export function threeMfPackage(
  rootModel: string,
  otherParts: readonly ZipInput[] = [],
  method: 0 | 8 = 8,
): Uint8Array {
  return createZip([
    { name: '[Content_Types].xml', method, data: CONTENT_TYPES },
    { name: '_rels/.rels', method, data: modelRelationships(['/3D/3dmodel.model']) },
    { name: '3D/3dmodel.model', method, data: rootModel },
    ...otherParts,
  ]);
}

/** `<mesh>` of the triangles with deduplicated vertices. */
export function meshXml(triangles: readonly Triangle[]): string {
  const index = new Map<string, number>();
  const vertices: string[] = [];
  const faces: string[] = [];
  const id = (p: Point): number => {
    const key = p.join(',');
    let i = index.get(key);
    if (i === undefined) {
      i = vertices.length;
      index.set(key, i);
      vertices.push(`<vertex x="${p[0]}" y="${p[1]}" z="${p[2]}"/>`);
    }
    return i;
  };
  for (const [a, b, c] of triangles)
    faces.push(`<triangle v1="${id(a)}" v2="${id(b)}" v3="${id(c)}"/>`);
  return `<mesh><vertices>\n${vertices.join('\n')}\n</vertices><triangles>\n${faces.join('\n')}\n</triangles></mesh>`;
}

/** A `<model>` element around resources and build, in the core namespace (and production's). */
export function modelXml(
  resources: string,
  build: string,
  unit: ThreeMfUnit = 'millimeter',
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<model unit="${unit}" xml:lang="en-US" xmlns="${CORE_NS}" xmlns:p="${PRODUCTION_NS}" requiredextensions="p">\n<resources>${resources}</resources>\n<build>${build}</build>\n</model>`;
}

/** One object of a production-extension package: its mesh and where the build puts it. */
export interface ProductionObject {
  triangles: readonly Triangle[];
  /** 12-number build-item transform. */
  transform?: readonly number[];
  /** Unit of the object's own model part (default millimetre, like the root). */
  unit?: ThreeMfUnit;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * A 3MF with the Production Extension as Bambu Studio and OrcaSlicer write it: each mesh in its
 * own part `3D/Objects/object_N.model` (object id 1 there), referenced from a root object's
 * component with `p:path`; UUIDs on the build, items, objects and components (required by the
 * extension, chapter 4); the object parts listed in `3D/_rels/3dmodel.model.rels` (3.3).
 */
export function toProduction3mf(objects: readonly ProductionObject[]): Uint8Array {
  const parts: ZipInput[] = [];
  const resources: string[] = [];
  const items: string[] = [];
  objects.forEach((object, i) => {
    const path = `/3D/Objects/object_${i + 1}.model`;
    const rootId = i + 2;
    parts.push({
      name: path.slice(1),
      data: modelXml(
        `<object id="1" p:UUID="${uuid(100 + i)}" type="model">${meshXml(object.triangles)}</object>`,
        '',
        object.unit,
      ),
    });
    resources.push(
      `<object id="${rootId}" p:UUID="${uuid(200 + i)}" type="model"><components><component p:path="${path}" objectid="1" p:UUID="${uuid(300 + i)}" transform="1 0 0 0 1 0 0 0 1 0 0 0"/></components></object>`,
    );
    const transform = object.transform ? ` transform="${object.transform.join(' ')}"` : '';
    items.push(`<item objectid="${rootId}" p:UUID="${uuid(400 + i)}"${transform} printable="1"/>`);
  });
  const root = modelXml(resources.join('\n'), items.join('\n')).replace(
    '<build>',
    `<build p:UUID="${uuid(1)}">`,
  );
  parts.push({
    name: '3D/_rels/3dmodel.model.rels',
    data: modelRelationships(objects.map((_, i) => `/3D/Objects/object_${i + 1}.model`)),
  });
  return threeMfPackage(root, parts);
}
