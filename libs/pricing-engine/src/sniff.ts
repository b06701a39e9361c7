import { MeshError } from './errors.js';
import type { ModelFormat } from './types.js';

const BINARY_HEADER_BYTES = 84;
const BINARY_TRIANGLE_BYTES = 50;
const TEXT_PROBE_BYTES = 1024;

/** Outcome of format detection. */
export interface SniffResult {
  format: ModelFormat;
  byteLength: number;
}

/**
 * Decides the container format from magic bytes and the binary STL size rule.
 * The size rule wins over a leading `solid`, because many binary exporters put "solid" in
 * their 80-byte header.
 */
export function sniffFormat(bytes: Uint8Array): SniffResult {
  const byteLength = bytes.length;
  if (byteLength === 0) {
    throw new MeshError('EMPTY_FILE', 'The file is empty. Upload the exported STL or 3MF file.');
  }
  if (isZip(bytes)) return { format: '3MF', byteLength };
  if (byteLength >= BINARY_HEADER_BYTES) {
    const declared = new DataView(bytes.buffer, bytes.byteOffset, byteLength).getUint32(80, true);
    if (BINARY_HEADER_BYTES + BINARY_TRIANGLE_BYTES * declared === byteLength) {
      return { format: 'STL_BINARY', byteLength };
    }
  }
  const text = looksLikeText(bytes);
  if (text && startsWithSolid(bytes)) return { format: 'STL_ASCII', byteLength };
  if (!text && byteLength >= BINARY_HEADER_BYTES) {
    // Binary but inconsistent: let the binary parser explain truncation or size mismatch.
    return { format: 'STL_BINARY', byteLength };
  }
  throw new MeshError(
    'UNKNOWN_FORMAT',
    'This file is not a recognised 3D model. Upload a binary or ASCII STL file or a 3MF file.',
  );
}

function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  );
}

/** Binary STL payloads contain NUL and control bytes almost immediately; text never does. */
function looksLikeText(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, TEXT_PROBE_BYTES);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  }
  return true;
}

function startsWithSolid(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || (bytes[i]! >= 0x09 && bytes[i]! <= 0x0d))) i++;
  const word = 'solid';
  for (let k = 0; k < word.length; k++) {
    const b = bytes[i + k];
    if (b === undefined || (b | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}
