import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { ensureFloat32 } from './growable.util.js';
import { bytesToText, isNonFiniteSpelling, parseAsciiFloat } from './number-parse.util.js';
import { nonFiniteError } from './stl-binary-parser.js';

const MIN_FACET_BYTES = 100;
/** Stands for "a number" in {@link AsciiReader.cutOffBefore}. */
const NUMBER = '<number>';
const MAX_FLOAT32 = 3.4028234663852886e38;

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** Byte-level reader: ASCII STLs can exceed V8's maximum string length, so never decode all. */
class AsciiReader {
  pos = 0;
  line = 1;
  tokenStart = 0;
  tokenEnd = 0;
  tokenLine = 1;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.pos = 3;
  }

  /** Advances to the next whitespace-separated token; false at end of input. */
  next(): boolean {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length && isSpace(b[p]!)) {
      if (b[p] === 0x0a) this.line++;
      p++;
    }
    if (p >= b.length) {
      this.pos = p;
      return false;
    }
    this.tokenStart = p;
    this.tokenLine = this.line;
    while (p < b.length && !isSpace(b[p]!)) p++;
    this.tokenEnd = p;
    this.pos = p;
    return true;
  }

  tokenIs(word: string): boolean {
    if (this.tokenEnd - this.tokenStart !== word.length) return false;
    for (let i = 0; i < word.length; i++) {
      if ((this.bytes[this.tokenStart + i]! | 0x20) !== word.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * True when the current token runs into the end of the file and could be the beginning of
   * one of `words` (case-insensitive) or of a number: the file was cut off in the middle of it,
   * which is a truncation, not a syntax error.
   */
  cutOffBefore(...words: string[]): boolean {
    if (this.tokenEnd !== this.bytes.length) return false;
    const length = this.tokenEnd - this.tokenStart;
    const startOf = (word: string): boolean => {
      if (length > word.length) return false;
      for (let i = 0; i < length; i++)
        if ((this.bytes[this.tokenStart + i]! | 0x20) !== word.charCodeAt(i)) return false;
      return true;
    };
    return words.some((word) => (word === NUMBER ? this.numberPrefix() : startOf(word)));
  }

  private numberPrefix(): boolean {
    for (let i = this.tokenStart; i < this.tokenEnd; i++) {
      const b = this.bytes[i]!;
      const numeric = (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2d || b === 0x2e;
      if (!numeric && (b | 0x20) !== 0x65) return false;
    }
    return true;
  }

  tokenText(): string {
    const end = Math.min(this.tokenEnd, this.tokenStart + 40);
    return bytesToText(this.bytes, this.tokenStart, end);
  }

  skipLine(): void {
    const newline = this.bytes.indexOf(0x0a, this.pos);
    this.pos = newline < 0 ? this.bytes.length : newline;
  }

  expect(word: string): void {
    if (!this.next()) throw truncated(this.line, word);
    if (this.tokenIs(word)) return;
    if (this.cutOffBefore(word)) throw truncated(this.tokenLine, word);
    throw syntax(this.tokenLine, `expected '${word}' but found '${this.tokenText()}'`);
  }

  number(facet: number): number {
    if (!this.next()) throw truncated(this.line, 'a number');
    const value = parseAsciiFloat(this.bytes, this.tokenStart, this.tokenEnd);
    if (Number.isFinite(value)) return value;
    if (Number.isNaN(value) && !isNonFiniteSpelling(this.bytes, this.tokenStart, this.tokenEnd)) {
      if (this.cutOffBefore(NUMBER, 'nan', 'inf', 'infinity'))
        throw truncated(this.tokenLine, 'a number');
      throw syntax(this.tokenLine, `expected a number but found '${this.tokenText()}'`);
    }
    throw nonFiniteError(facet, value, this.tokenLine);
  }
}

function syntax(line: number, problem: string): MeshError {
  return new MeshError(
    'ASCII_SYNTAX',
    `The ASCII STL file is malformed at line ${formatCount(line)}: ${problem}. Re-export the model, preferably as binary STL or 3MF.`,
    { line },
  );
}

function truncated(line: number, wanted: string): MeshError {
  return new MeshError(
    'TRUNCATED',
    `The ASCII STL file ends unexpectedly at line ${formatCount(line)} (expected ${wanted}). The upload or export was cut short; export the model again.`,
    { line },
  );
}

/** Parses an ASCII STL (one or more `solid` blocks) into a triangle soup scaled to mm. */
export function parseAsciiStl(
  bytes: Uint8Array,
  scaleToMm: number,
  maxTriangles: number,
): Float32Array {
  const reader = new AsciiReader(bytes);
  let soup: Float32Array = new Float32Array(
    Math.min(Math.ceil(bytes.length / MIN_FACET_BYTES), 1 << 20) * 9,
  );
  let count = 0;
  if (!reader.next() || !reader.tokenIs('solid')) {
    throw syntax(reader.tokenLine, "the file must start with 'solid'");
  }
  reader.skipLine();
  for (;;) {
    if (!reader.next()) throw truncated(reader.line, "'endsolid'");
    if (reader.tokenIs('facet')) {
      if (count >= maxTriangles) {
        throw new MeshError(
          'TOO_MANY_TRIANGLES',
          `The model has more than ${formatCount(maxTriangles)} triangles. Simplify (decimate) the mesh before uploading.`,
          { maxTriangles },
        );
      }
      reader.expect('normal');
      reader.number(count);
      reader.number(count);
      reader.number(count);
      reader.expect('outer');
      reader.expect('loop');
      soup = ensureFloat32(soup, (count + 1) * 9);
      let k = count * 9;
      for (let v = 0; v < 3; v++) {
        reader.expect('vertex');
        for (let c = 0; c < 3; c++) {
          const value = reader.number(count) * scaleToMm;
          if (!Number.isFinite(value) || Math.abs(value) > MAX_FLOAT32) {
            throw nonFiniteError(count, value, reader.tokenLine);
          }
          soup[k++] = value;
        }
      }
      reader.expect('endloop');
      reader.expect('endfacet');
      count++;
    } else if (reader.tokenIs('endsolid')) {
      reader.skipLine();
      if (!reader.next()) break;
      if (!reader.tokenIs('solid')) {
        if (reader.cutOffBefore('solid')) throw truncated(reader.tokenLine, "'solid'");
        throw syntax(
          reader.tokenLine,
          `expected 'solid' or end of file but found '${reader.tokenText()}'`,
        );
      }
      reader.skipLine();
    } else if (reader.cutOffBefore('facet', 'endsolid')) {
      throw truncated(reader.tokenLine, "'facet' or 'endsolid'");
    } else {
      throw syntax(
        reader.tokenLine,
        `expected 'facet' or 'endsolid' but found '${reader.tokenText()}'`,
      );
    }
  }
  if (count === 0) {
    throw new MeshError(
      'EMPTY_MESH',
      'The file contains no triangles. Check that the right body was selected when exporting.',
    );
  }
  return soup.slice(0, count * 9);
}
