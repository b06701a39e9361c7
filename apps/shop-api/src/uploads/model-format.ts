import type { ModelFormat } from '@fabflow/contracts';

/** Bytes of the file's beginning the sniff looks at (the digest keeps this many). */
export const SNIFF_BYTES = 1024;

export type SniffResult =
  | { ok: true; format: ModelFormat }
  | { ok: false; code: 'UNKNOWN_FORMAT' | 'TRUNCATED' | 'DAMAGED'; reason: string };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const STL_HEADER = 84;
const STL_TRIANGLE = 50;

/** Text as an ASCII STL is: no control characters but tab, line feed and carriage return. */
function isText(bytes: Buffer): boolean {
  for (const b of bytes) {
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b === 0x7f) return false;
  }
  return true;
}

/**
 * Whether an 80-byte binary STL header is plausible: exporters write text or zeros there (some
 * a few binary bytes, like Materialise's `COLOR=` RGBA), where another binary file (an image, an
 * archive) has its own structure. Used only to word the refusal of a damaged file.
 */
function plausibleStlHeader(header: Buffer): boolean {
  let binary = 0;
  for (const b of header) if (b !== 0 && (b < 0x20 || b > 0x7e)) binary++;
  return binary <= 8;
}

const EXPORT_AGAIN = 'export the model from your CAD program again (as STL or 3MF) and upload it';

/**
 * Recognises a model file from its first bytes and its size, the way the pricing engine will
 * read it (the shop does not run the engine; a file that passes here can still fail pricing,
 * with the engine's reason). A 3MF is a zip; a binary STL is an 80-byte header, a triangle
 * count n and exactly 50·n bytes of triangles (checked first: its header may start with
 * "solid" too); an ASCII STL is text starting with "solid". Anything else is refused with what
 * to do about it.
 */
export function sniffModelFormat(head: Buffer, sizeBytes: number): SniffResult {
  if (head.length >= ZIP_MAGIC.length && head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC))
    return { ok: true, format: '3MF' };
  const triangles = head.length >= STL_HEADER ? head.readUInt32LE(80) : undefined;
  const binarySize = triangles === undefined ? undefined : STL_HEADER + STL_TRIANGLE * triangles;
  if (binarySize === sizeBytes && triangles! > 0) return { ok: true, format: 'STL_BINARY' };
  const text = isText(head);
  if (text && /^\s*solid\b/i.test(head.subarray(0, 256).toString('latin1')))
    return { ok: true, format: 'STL_ASCII' };
  if (binarySize === sizeBytes)
    return {
      ok: false,
      code: 'DAMAGED',
      reason: `the file is a binary STL with no triangles: there is nothing to print; ${EXPORT_AGAIN}`,
    };
  if (
    !text &&
    triangles !== undefined &&
    binarySize !== undefined &&
    triangles > 0 &&
    plausibleStlHeader(head.subarray(0, 80))
  ) {
    return binarySize > sizeBytes
      ? {
          ok: false,
          code: 'TRUNCATED',
          reason:
            `the file looks like a binary STL of ${triangles} triangles, which takes ${binarySize} bytes, ` +
            `but it has only ${sizeBytes}: it was cut off (an interrupted export or download); ${EXPORT_AGAIN}`,
        }
      : {
          ok: false,
          code: 'DAMAGED',
          reason:
            `the file looks like a binary STL of ${triangles} triangles, which takes ${binarySize} bytes, ` +
            `but it has ${sizeBytes}: it is damaged; ${EXPORT_AGAIN}`,
        };
  }
  return {
    ok: false,
    code: 'UNKNOWN_FORMAT',
    reason: `the file is not a 3D model we can read (binary or ASCII STL, or 3MF); ${EXPORT_AGAIN}`,
  };
}
