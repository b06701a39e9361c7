// The files of bench/pricing-hostile.mjs: the engine's hostile 3MF fixtures as they are, and
// the files that cost the most per megabyte while staying within every limit (each padded with
// an incompressible attachment, since a larger file earns a larger budget).
import { randomBytes } from 'node:crypto';
import { engine, engineTesting as t } from './libs.mjs';

const MB = 1024 * 1024;
const FLOOR = MB; // ZIP_RATIO_FLOOR_BYTES
const { maxExtractedRatio } = engine.DEFAULT_PARSE_LIMITS.zip;
const { trianglesPerFileByte, baseTriangles } = engine.DEFAULT_PARSE_LIMITS.components;

/** The fixtures of libs/pricing-engine/src/testing/hostile-3mf.ts, one size each. */
export const REFUSED = {
  'component bomb, empty leaves (10^16)': () => t.componentBomb('empty'),
  'component bomb, support leaves (10^16)': () => t.componentBomb('support'),
  'component bomb, real leaves (10^16)': () => t.componentBomb('real'),
  'instancing bomb (6.3M triangles)': () => t.instancingBomb(),
  'nesting 40 deep': () => t.deepNesting(40),
  'component cycle': () => t.componentCycle('through'),
  'zip understating a size': () => t.lyingZip('smaller'),
  'zip entries sharing bytes': () => t.overlappingEntries(),
  'decompression bomb, one 1 GiB entry': () => t.decompressionBomb('one-entry'),
  'decompression bomb, 64 × 1 MiB parts': () => t.decompressionBomb('many-parts'),
};

const pad = (bytes) => ({ name: 'Metadata/thumbnail.png', data: randomBytes(bytes), method: 0 });

/**
 * Model parts (< 1 MiB each, referenced with p:path) of `element` repeated, `xmlBytes` in all:
 * what a file can make the worker scan, at most 1 MiB + maxExtractedRatio × its size.
 */
function denseParts(element, xmlBytes, mesh) {
  const partBytes = MB - 4096;
  const count = Math.max(1, Math.floor(xmlBytes / partBytes));
  const paths = Array.from({ length: count }, (_, i) => `/3D/Objects/dense_${i}.model`);
  const refs = paths.map((p) => `<component p:path="${p}" objectid="1"/>`).join('');
  const root = t.modelXml(
    `<object id="2"><components>${refs}</components></object>`,
    '<item objectid="2"/>',
  );
  const body = element.repeat(Math.floor((partBytes - mesh.length) / element.length));
  const part = t.modelXml(
    `<object id="1">${mesh.replace('<vertices>', `<vertices>${body}`)}</object>`,
    '',
  );
  return { root, parts: paths.map((p) => ({ name: p.slice(1), data: part })) };
}

/** A file of about `size` bytes whose model XML fills its extraction budget with `element`. */
function atExtractionBudget(element, size) {
  const tetra = t.meshXml([
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
  const { root, parts } = denseParts(element, FLOOR + maxExtractedRatio * size - 256 * 1024, tetra);
  const unpadded = t.threeMfPackage(root, parts);
  return t.threeMfPackage(root, [...parts, pad(Math.max(0, size - unpadded.length))]);
}

/** A sphere of about `triangles` triangles placed as often as a file of `size` bytes allows. */
function atInstancingBudget(size) {
  const sphere = t.meshXml(t.uvSphere(5, 64, 32));
  const perCopy = 2 * 64 * 31;
  const copies = Math.floor(Math.max(baseTriangles, trianglesPerFileByte * size) / perCopy);
  const components = Array.from(
    { length: copies },
    (_, i) =>
      `<component objectid="1" transform="1 0 0 0 1 0 0 0 1 ${(i % 20) * 11} ${Math.floor(i / 20) * 11} 0"/>`,
  );
  const root = t.modelXml(
    `<object id="1" type="model">${sphere}</object><object id="2"><components>${components.join('')}</components></object>`,
    '<item objectid="2"/>',
  );
  const unpadded = t.threeMfPackage(root);
  return t.threeMfPackage(root, [pad(Math.max(0, size - unpadded.length))]);
}

/** A plain 3MF of one sphere mesh of about `size` bytes: the ordinary case, for scale. */
function plainMesh(size) {
  // About 13 bytes per triangle once deflated; segments × segments triangles.
  const segments = Math.round(Math.sqrt(size / 13));
  return t.to3mf(t.uvSphere(40, segments, Math.round(segments / 2)));
}

/** The costliest files per MB within the limits, by size in MB. */
export const WORST = {
  'XML at the extraction budget: <a/> elements': (mb) => atExtractionBudget('<a/>', mb * MB),
  'XML at the extraction budget: <triangle>s': (mb) =>
    atExtractionBudget('<triangle v1="0" v2="1" v3="2"/>', mb * MB),
  'copies at the instancing budget': (mb) => atInstancingBudget(mb * MB),
  'plain mesh 3MF (ordinary file)': (mb) => plainMesh(mb * MB),
};
