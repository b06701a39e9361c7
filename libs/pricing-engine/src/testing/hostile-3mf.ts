/**
 * Adversarial 3MF files, generated in code: each is small and would make a naive reader do far
 * more work than its size (or lie about itself). Used by the engine's unit tests, the pricing
 * e2e test and `bench/pricing-hostile.mjs`.
 */
import { Buffer } from 'node:buffer';
import { crc32, deflateRawSync } from 'node:zlib';
import { cube, uvSphere } from './mesh-generators.js';
import { meshXml, modelRelationships, modelXml, threeMfPackage } from './three-mf-package.js';

const TETRAHEDRON = meshXml([
  [
    [0, 0, 0],
    [0, 10, 0],
    [10, 0, 0],
  ],
  [
    [0, 0, 0],
    [10, 0, 0],
    [0, 0, 10],
  ],
  [
    [0, 0, 0],
    [0, 0, 10],
    [0, 10, 0],
  ],
  [
    [10, 0, 0],
    [0, 10, 0],
    [0, 0, 10],
  ],
]);

/** What the leaves of a component bomb hold. */
export type BombLeaf = 'empty' | 'support' | 'real';

function leafObject(leaf: BombLeaf): string {
  switch (leaf) {
    case 'empty':
      return '<object id="1" type="model"><mesh><vertices/><triangles/></mesh></object>';
    case 'support':
      return `<object id="1" type="support">${TETRAHEDRON}</object>`;
    case 'real':
      return `<object id="1" type="model">${TETRAHEDRON}</object>`;
  }
}

/** Objects 2..levels+1, each holding `fanOut` copies of the one below (object 1 is the leaf). */
function fanOutChain(levels: number, fanOut: number, offset: (i: number) => number): string {
  const objects: string[] = [];
  for (let level = 2; level <= levels + 1; level++) {
    const components = Array.from(
      { length: fanOut },
      (_, i) =>
        `<component objectid="${level - 1}" transform="1 0 0 0 1 0 0 0 1 ${offset(i)} 0 0"/>`,
    );
    objects.push(`<object id="${level}"><components>${components.join('')}</components></object>`);
  }
  return objects.join('\n');
}

/**
 * A component bomb: `levels` objects each placing the one below `fanOut` times, so the build
 * expands to fanOut^levels leaves (10^16 by default, in about 1.6 KB).
 */
export function componentBomb(leaf: BombLeaf, levels = 16, fanOut = 10): Uint8Array {
  const resources = `${leafObject(leaf)}\n${fanOutChain(levels, fanOut, () => 0)}`;
  return threeMfPackage(modelXml(resources, `<item objectid="${levels + 1}"/>`));
}

/**
 * An instancing bomb: a real mesh (a sphere of `2 × segments × (segments / 2 − 1)` triangles)
 * placed `fanOut^levels` times by nested components, each copy moved along x so they do not
 * overlap: within the placement limit, far over the triangles a file of its size may expand to.
 */
export function instancingBomb(segments = 64, levels = 2, fanOut = 40): Uint8Array {
  const sphere = `<object id="1" type="model">${meshXml(uvSphere(5, segments, segments / 2))}</object>`;
  const resources = `${sphere}\n${fanOutChain(levels, fanOut, (i) => i * 11)}`;
  return threeMfPackage(modelXml(resources, `<item objectid="${levels + 1}"/>`));
}

/** A cube nested `depth` components deep (one component per level). */
export function deepNesting(depth: number): Uint8Array {
  return componentBomb('real', depth, 1);
}

/**
 * A component cycle: object 2 contains itself (`self`), or 2 → 3 → 4 → 2 (`through`), below a
 * real mesh so that only the cycle is wrong.
 */
export function componentCycle(kind: 'self' | 'through'): Uint8Array {
  const ref = (id: number): string => `<component objectid="${id}"/>`;
  const objects =
    kind === 'self'
      ? [`<object id="2"><components>${ref(1)}${ref(2)}</components></object>`]
      : [
          `<object id="2"><components>${ref(1)}${ref(3)}</components></object>`,
          `<object id="3"><components>${ref(4)}</components></object>`,
          `<object id="4"><components>${ref(2)}</components></object>`,
        ];
  const resources = `${leafObject('real')}\n${objects.join('\n')}`;
  return threeMfPackage(modelXml(resources, '<item objectid="2"/>'));
}

/** Offsets of the local header and central record of the zip entry named `name`. */
function records(zip: Uint8Array, name: string): { local: number; central: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.length);
  let p = view.getUint32(zip.length - 22 + 16, true);
  for (;;) {
    const nameLength = view.getUint16(p + 28, true);
    const entryName = Buffer.from(zip.subarray(p + 46, p + 46 + nameLength)).toString('utf8');
    if (entryName === name) return { local: view.getUint32(p + 42, true), central: p };
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
}

/** Ways a zip can lie about the model part's size. */
export type ZipLie = 'smaller' | 'larger' | 'headers-disagree';

/**
 * A valid cube 3MF whose model part's headers lie: both headers say it inflates to less than it
 * does (`smaller`) or more (`larger`), or the local header disagrees with the directory.
 */
export function lyingZip(lie: ZipLie): Uint8Array {
  const zip = threeMfPackage(
    modelXml(`<object id="1">${meshXml(cube(10))}</object>`, '<item objectid="1"/>'),
  );
  const view = new DataView(zip.buffer, zip.byteOffset, zip.length);
  const { local, central } = records(zip, '3D/3dmodel.model');
  const size = view.getUint32(central + 24, true);
  const claimed = lie === 'smaller' ? Math.floor(size / 2) : size + 1000;
  view.setUint32(central + 24, claimed, true);
  if (lie !== 'headers-disagree') view.setUint32(local + 22, claimed, true);
  return zip;
}

/**
 * Two directory records for one stored body: the root model's, and a second name that the root
 * points to with `p:path`, so reading both would inflate the same bytes twice (the trick that
 * makes overlapping-entry zip bombs).
 */
export function overlappingEntries(): Uint8Array {
  const root = modelXml(
    '<object id="2"><components><component p:path="/3D/Objects/alias.model" objectid="1"/></components></object>',
    '<item objectid="2"/>',
  );
  const zip = threeMfPackage(root);
  const { central } = records(zip, '3D/3dmodel.model');
  // Append a copy of the root model's central record under the alias name.
  const alias = Buffer.from('3D/Objects/alias.model');
  const record = Buffer.concat([Buffer.from(zip.subarray(central, central + 46)), alias]);
  record.writeUInt16LE(alias.length, 28);
  const eocd = zip.length - 22;
  const out = Buffer.concat([
    Buffer.from(zip.subarray(0, eocd)),
    record,
    Buffer.from(zip.subarray(eocd)),
  ]);
  const entries = out.readUInt16LE(out.length - 22 + 10) + 1;
  out.writeUInt16LE(entries, out.length - 22 + 8);
  out.writeUInt16LE(entries, out.length - 22 + 10);
  out.writeUInt32LE(out.readUInt32LE(out.length - 22 + 12) + record.length, out.length - 22 + 12);
  return new Uint8Array(out);
}

/** Decompression bombs: one huge entry, or many parts each just under the ratio check. */
export type BombKind = 'one-entry' | 'many-parts';

/**
 * A decompression bomb. `one-entry`: the model part is 1 GiB of spaces (about 1 MB deflated,
 * 1000:1). `many-parts`: `parts` model parts of 1 MiB − 1 of spaces each (under the size from
 * which the per-entry ratio is checked), all referenced from the root with `p:path`, so only
 * the budget for the whole archive stops them.
 */
export function decompressionBomb(kind: BombKind, parts = 64): Uint8Array {
  if (kind === 'one-entry') return spacesEntryZip(1024 * 1024 * 1024);
  const paths = Array.from({ length: parts }, (_, i) => `/3D/Objects/pad_${i}.model`);
  const components = paths.map((p) => `<component p:path="${p}" objectid="1"/>`).join('');
  const root = modelXml(
    `<object id="2"><components>${components}</components></object>`,
    '<item objectid="2"/>',
  );
  const pad = Buffer.alloc(1024 * 1024 - 1, 0x20);
  return threeMfPackage(root, [
    { name: '3D/_rels/3dmodel.model.rels', data: modelRelationships(paths) },
    ...paths.map((p) => ({ name: p.slice(1), data: pad })),
  ]);
}

/** A zip whose model part is `size` bytes of spaces, deflated in chunks (never all in memory). */
function spacesEntryZip(size: number): Uint8Array {
  const chunk = Buffer.alloc(16 * 1024 * 1024, 0x20);
  const full = Math.floor(size / chunk.length);
  // Deflate of a run of spaces is a short repeating pattern: compress one chunk with no final
  // block, repeat it, then finish with the remainder.
  const deflate = (data: Buffer, last: boolean): Buffer =>
    deflateRawSync(data, { finishFlush: last ? undefined : 2 });
  const middle = deflate(chunk, false);
  const tail = deflate(chunk.subarray(0, size - full * chunk.length), true);
  const body = Buffer.concat([...Array.from({ length: full }, () => middle), tail]);
  let crc = 0;
  for (let i = 0; i < full; i++) crc = crc32(chunk, crc);
  crc = crc32(chunk.subarray(0, size - full * chunk.length), crc);
  return bombZip('3D/3dmodel.model', body, size, crc >>> 0);
}

/** A one-entry zip with the given deflated body and its true size and CRC. */
function bombZip(name: string, body: Buffer, size: number, crc: number): Uint8Array {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const directoryOffset = 30 + nameBytes.length + body.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return new Uint8Array(Buffer.concat([local, nameBytes, body, central, nameBytes, end]));
}
