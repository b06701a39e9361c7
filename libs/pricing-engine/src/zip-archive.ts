import { crc32, inflateRawSync } from 'node:zlib';
import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { ZIP_RATIO_FLOOR_BYTES, type ZipLimits } from './limits.js';
import type { ParseWork } from './parse-work.js';
import { corrupt, limitExceeded, readZipDirectory, type ZipEntry } from './zip-reader.js';

const LOCAL_SIGNATURE = 0x04034b50;
/** General-purpose flag: sizes and CRC follow the data instead of sitting in the local header. */
const DATA_DESCRIPTOR_FLAG = 0x0008;

/**
 * The entries of a zip, extracted on demand within a budget. Headers are only claims: every
 * extracted entry must inflate to exactly its declared size (inflation stops past it) with its
 * CRC, its local header must agree with the directory, no two extracted entries may share
 * bytes (overlapping entries are how a small zip is made to expand many times over), and the
 * entries extracted together may expand to at most `maxExtractedRatio` × the file's size.
 */
export class ZipArchive {
  readonly entries: ZipEntry[];
  private remaining: number;
  private readonly extracted: { start: number; end: number; name: string }[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ZipLimits,
    private readonly work: ParseWork,
  ) {
    this.entries = readZipDirectory(bytes, limits);
    this.remaining = Math.min(
      limits.maxTotalBytes,
      ZIP_RATIO_FLOOR_BYTES + limits.maxExtractedRatio * bytes.length,
    );
  }

  /** The entry at `name` (a leading slash and letter case ignored), if any. */
  find(name: string): ZipEntry | undefined {
    const wanted = name.replace(/^\//, '').toLowerCase();
    return this.entries.find((e) => e.name.toLowerCase() === wanted);
  }

  /** Decompresses one entry, after checking its claims against the limits and the budget. */
  extract(entry: ZipEntry): Uint8Array {
    this.checkClaims(entry);
    const { start, end } = this.dataRange(entry);
    const compressed = this.bytes.subarray(start, end);
    let data: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize)
        throw corrupt(`"${entry.name}" has inconsistent sizes`);
      data = compressed;
    } else {
      data = inflateAtMost(compressed, entry);
    }
    if (data.length !== entry.uncompressedSize) {
      const which = data.length < entry.uncompressedSize ? 'smaller' : 'larger';
      throw corrupt(`"${entry.name}" is ${which} than its header says`);
    }
    if (crc32(data) >>> 0 !== entry.crc32) throw corrupt(`"${entry.name}" fails its checksum`);
    this.remaining -= data.length;
    this.work.bytesInflated += data.length;
    return data;
  }

  private checkClaims(entry: ZipEntry): void {
    if ((entry.flags & 0x0001) !== 0) {
      throw new MeshError(
        'ZIP_ENCRYPTED',
        'The 3MF file is password-protected. Export it again without encryption.',
        { entry: entry.name },
      );
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new MeshError(
        'ZIP_UNSUPPORTED',
        `The 3MF file uses an unsupported compression method (${entry.method}). Export it again with standard (deflate) compression.`,
        { entry: entry.name, method: entry.method },
      );
    }
    if (entry.uncompressedSize > this.limits.maxEntryBytes) {
      throw limitExceeded(
        'entrySize',
        `the part "${entry.name}" would expand to ${formatCount(entry.uncompressedSize)} bytes (limit ${formatCount(this.limits.maxEntryBytes)})`,
      );
    }
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (
      entry.uncompressedSize >= ZIP_RATIO_FLOOR_BYTES &&
      ratio > this.limits.maxCompressionRatio
    ) {
      throw limitExceeded(
        'compressionRatio',
        `the part "${entry.name}" is compressed ${Math.round(ratio)}:1, which looks like a zip bomb`,
      );
    }
    if (entry.uncompressedSize > this.remaining) {
      throw limitExceeded(
        'extractedSize',
        `its model parts would expand to more than ${formatCount(this.remaining + this.work.bytesInflated)} bytes, far more than a ${formatCount(this.bytes.length)}-byte file holds (it looks like a zip bomb)`,
      );
    }
  }

  /** Where the entry's compressed bytes are, checked against its local header and the others. */
  private dataRange(entry: ZipEntry): { start: number; end: number } {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    const local = entry.localHeaderOffset;
    if (local + 30 > this.bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
      throw corrupt(`the local header of "${entry.name}" is invalid`);
    }
    if (view.getUint16(local + 8, true) !== entry.method || !localSizesAgree(view, local, entry))
      throw corrupt(`the headers of "${entry.name}" disagree`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw corrupt(`"${entry.name}" is truncated`);
    const overlap = this.extracted.find((r) => local < r.end && r.start < end);
    if (overlap) throw corrupt(`"${entry.name}" overlaps "${overlap.name}"`);
    this.extracted.push({ start: local, end, name: entry.name });
    return { start, end };
  }
}

/** Local sizes and CRC must match the directory's, unless they are deferred or ZIP64. */
function localSizesAgree(view: DataView, local: number, entry: ZipEntry): boolean {
  if ((view.getUint16(local + 6, true) & DATA_DESCRIPTOR_FLAG) !== 0) return true;
  const compressed = view.getUint32(local + 18, true);
  const uncompressed = view.getUint32(local + 22, true);
  if (compressed === 0xffffffff || uncompressed === 0xffffffff) return true;
  return (
    view.getUint32(local + 14, true) === entry.crc32 &&
    compressed === entry.compressedSize &&
    uncompressed === entry.uncompressedSize
  );
}

/** Inflates, stopping as soon as the output would pass the declared size. */
function inflateAtMost(compressed: Uint8Array, entry: ZipEntry): Uint8Array {
  try {
    return inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw corrupt(`"${entry.name}" is larger than its header says`);
    throw corrupt(`"${entry.name}" cannot be decompressed`);
  }
}
