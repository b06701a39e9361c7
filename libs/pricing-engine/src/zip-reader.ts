import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { bytesToText } from './number-parse.util.js';
import type { ZipLimits } from './limits.js';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

/** One file listed in a zip central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The archive is damaged or lies about itself. */
export function corrupt(problem: string): MeshError {
  return new MeshError(
    'ZIP_CORRUPT',
    `The 3MF file is damaged (${problem}). Export it again from your slicer or CAD tool.`,
  );
}

/** The archive is over one of the {@link ZipLimits}. */
export function limitExceeded(limit: string, problem: string): MeshError {
  return new MeshError(
    'ZIP_LIMIT_EXCEEDED',
    `The 3MF file was rejected because ${problem}. Export it again without extra attachments, or upload an STL instead.`,
    { limit },
  );
}

/** Reads a little-endian u64 that must fit a JS number safely. */
function readUint64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('an offset is out of range');
  return Number(value);
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  for (let p = view.byteLength - EOCD_MIN_BYTES; p >= lowest; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) return p;
  }
  throw corrupt('the zip directory is missing');
}

/** Lists the archive entries, enforcing entry-count and total-size limits. */
export function readZipDirectory(bytes: Uint8Array, limits: ZipLimits): ZipEntry[] {
  if (bytes.length < EOCD_MIN_BYTES) throw corrupt('the file is too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const eocd = findEndOfCentralDirectory(view);
  let entryCount = view.getUint16(eocd + 10, true);
  let directorySize = view.getUint32(eocd + 12, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) {
      throw corrupt('the ZIP64 directory locator is missing');
    }
    const record = readUint64(view, locator + 8);
    if (record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_EOCD_SIGNATURE) {
      throw corrupt('the ZIP64 directory is missing');
    }
    entryCount = readUint64(view, record + 32);
    directorySize = readUint64(view, record + 40);
    directoryOffset = readUint64(view, record + 48);
  }
  if (entryCount > limits.maxEntries) {
    throw limitExceeded(
      'entries',
      `it contains ${formatCount(entryCount)} files (limit ${formatCount(limits.maxEntries)})`,
    );
  }
  if (directoryOffset + directorySize > bytes.length)
    throw corrupt('the zip directory is truncated');

  const entries: ZipEntry[] = [];
  let totalBytes = 0;
  let p = directoryOffset;
  for (let i = 0; i < entryCount; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw corrupt('a zip directory record is invalid');
    }
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    if (p + 46 + nameLength + extraLength + commentLength > bytes.length) {
      throw corrupt('a zip directory record is truncated');
    }
    const entry: ZipEntry = {
      name: bytesToText(bytes, p + 46, p + 46 + nameLength),
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      crc32: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    };
    applyZip64Extra(view, p + 46 + nameLength, extraLength, entry);
    totalBytes += entry.uncompressedSize;
    if (totalBytes > limits.maxTotalBytes) {
      throw limitExceeded(
        'totalSize',
        `its contents would expand to more than ${formatCount(limits.maxTotalBytes)} bytes`,
      );
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces 0xFFFFFFFF placeholders with the values from the ZIP64 extra field (id 1). */
function applyZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  const needs =
    entry.uncompressedSize === 0xffffffff ||
    entry.compressedSize === 0xffffffff ||
    entry.localHeaderOffset === 0xffffffff;
  if (!needs) return;
  for (let p = start; p + 4 <= start + length;) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      if (entry.uncompressedSize === 0xffffffff) {
        entry.uncompressedSize = readUint64(view, q);
        q += 8;
      }
      if (entry.compressedSize === 0xffffffff) {
        entry.compressedSize = readUint64(view, q);
        q += 8;
      }
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = readUint64(view, q);
      return;
    }
    p += 4 + size;
  }
  throw corrupt('a ZIP64 size field is missing');
}
