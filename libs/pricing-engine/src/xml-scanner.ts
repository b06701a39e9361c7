import { MeshError } from './errors.js';
import { formatCount } from './format.util.js';
import { bytesToText, parseAsciiFloat, parseAsciiIndex } from './number-parse.util.js';

/** Kind of markup token returned by {@link XmlScanner.next}. */
export type XmlToken = 'open' | 'close' | 'eof';

const LT = 0x3c;
const GT = 0x3e;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Minimal pull scanner over XML bytes, enough for 3MF parts. It never decodes the document to
 * a string, never allocates per element, ignores text content, and refuses any DTD (DOCTYPE,
 * ENTITY...) so entity-expansion and external-entity attacks cannot happen.
 */
export class XmlScanner {
  private pos = 0;
  private nameStart = 0;
  private nameEnd = 0;
  /** True when the last open tag ended with `/>`. */
  selfClosing = false;
  private attrCount = 0;
  private readonly attrNameStart: number[] = [];
  private readonly attrNameEnd: number[] = [];
  private readonly valueStart: number[] = [];
  private readonly valueEnd: number[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly partName: string,
  ) {}

  /** Moves to the next start or end tag, skipping prolog, comments, CDATA and text. */
  next(): XmlToken {
    const b = this.bytes;
    for (;;) {
      const lt = b.indexOf(LT, this.pos);
      if (lt < 0) return 'eof';
      const c = b[lt + 1];
      if (c === 0x3f) {
        this.pos = this.skipPast(lt + 2, '?>');
      } else if (c === 0x21) {
        if (this.startsWith(lt + 2, '--')) this.pos = this.skipPast(lt + 4, '-->');
        else if (this.startsWith(lt + 2, '[CDATA[')) this.pos = this.skipPast(lt + 9, ']]>');
        else {
          throw new MeshError(
            'XML_DTD_FORBIDDEN',
            'The 3MF file contains a document type declaration (DOCTYPE/ENTITY), which is not allowed in 3MF. Export it again from a standard 3MF exporter.',
            { part: this.partName, line: this.lineAt(lt) },
          );
        }
      } else if (c === 0x2f) {
        this.readName(lt + 2);
        const gt = b.indexOf(GT, this.nameEnd);
        if (gt < 0) throw this.syntax(lt, 'an end tag is not closed');
        this.pos = gt + 1;
        return 'close';
      } else {
        this.readName(lt + 1);
        this.readAttributes(lt);
        return 'open';
      }
    }
  }

  /** True when the current tag's local name (namespace prefix ignored) equals `name`. */
  is(name: string): boolean {
    let start = this.nameStart;
    for (let i = this.nameStart; i < this.nameEnd; i++) if (this.bytes[i] === 0x3a) start = i + 1;
    return this.rangeEquals(start, this.nameEnd, name);
  }

  /** Index of attribute `name` on the current open tag, or -1. */
  attr(name: string): number {
    for (let i = 0; i < this.attrCount; i++) {
      if (this.rangeEquals(this.attrNameStart[i]!, this.attrNameEnd[i]!, name)) return i;
    }
    return -1;
  }

  /** Number of attributes on the current open tag. */
  attributeCount(): number {
    return this.attrCount;
  }

  /** Qualified name (with any prefix) of attribute `index` of the current open tag. */
  attrName(index: number): string {
    return bytesToText(this.bytes, this.attrNameStart[index]!, this.attrNameEnd[index]!);
  }

  attrText(index: number): string {
    return bytesToText(this.bytes, this.valueStart[index]!, this.valueEnd[index]!);
  }

  /** Parses attribute `name` as a finite number; throws INVALID_3MF when absent or invalid. */
  attrNumber(name: string): number {
    const i = this.attr(name);
    const value =
      i < 0 ? Number.NaN : parseAsciiFloat(this.bytes, this.valueStart[i]!, this.valueEnd[i]!);
    if (!Number.isFinite(value)) throw this.invalidAttribute(name, i);
    return value;
  }

  /** Parses attribute `name` as a non-negative integer; throws INVALID_3MF when invalid. */
  attrIndex(name: string): number {
    const i = this.attr(name);
    const value = i < 0 ? -1 : parseAsciiIndex(this.bytes, this.valueStart[i]!, this.valueEnd[i]!);
    if (value < 0) throw this.invalidAttribute(name, i);
    return value;
  }

  /** 1-based line of the current tag, computed lazily for error messages. */
  line(): number {
    return this.lineAt(this.nameStart);
  }

  private invalidAttribute(name: string, index: number): MeshError {
    const found = index < 0 ? 'missing' : `"${this.attrText(index).slice(0, 40)}"`;
    return new MeshError(
      'INVALID_3MF',
      `The 3MF model is invalid at line ${formatCount(this.line())}: attribute "${name}" is ${found}. Export the model again.`,
      { part: this.partName, line: this.line(), attribute: name },
    );
  }

  private readName(start: number): void {
    const b = this.bytes;
    let p = start;
    while (p < b.length && !isSpace(b[p]) && b[p] !== GT && b[p] !== 0x2f) p++;
    if (p === start) throw this.syntax(start, 'a tag has no name');
    this.nameStart = start;
    this.nameEnd = p;
  }

  private readAttributes(tagStart: number): void {
    const b = this.bytes;
    let p = this.nameEnd;
    this.attrCount = 0;
    this.selfClosing = false;
    for (;;) {
      while (isSpace(b[p])) p++;
      const c = b[p];
      if (c === undefined) throw this.syntax(tagStart, 'a tag is not closed');
      if (c === GT) break;
      if (c === 0x2f && b[p + 1] === GT) {
        this.selfClosing = true;
        p++;
        break;
      }
      const nameStart = p;
      while (p < b.length && b[p] !== 0x3d && !isSpace(b[p]) && b[p] !== GT) p++;
      const nameEnd = p;
      while (isSpace(b[p])) p++;
      if (b[p] !== 0x3d || nameEnd === nameStart)
        throw this.syntax(tagStart, 'an attribute has no value');
      p++;
      while (isSpace(b[p])) p++;
      const quote = b[p];
      if (quote !== 0x22 && quote !== 0x27)
        throw this.syntax(tagStart, 'an attribute value is not quoted');
      const close = b.indexOf(quote, p + 1);
      if (close < 0) throw this.syntax(tagStart, 'an attribute value is not terminated');
      const i = this.attrCount++;
      this.attrNameStart[i] = nameStart;
      this.attrNameEnd[i] = nameEnd;
      this.valueStart[i] = p + 1;
      this.valueEnd[i] = close;
      p = close + 1;
    }
    this.pos = p + 1;
  }

  private skipPast(from: number, terminator: string): number {
    const first = terminator.charCodeAt(0);
    for (let p = this.bytes.indexOf(first, from); p >= 0; p = this.bytes.indexOf(first, p + 1)) {
      if (this.startsWith(p, terminator)) return p + terminator.length;
    }
    throw this.syntax(from, `'${terminator}' is missing`);
  }

  private startsWith(at: number, text: string): boolean {
    return this.rangeEquals(at, at + text.length, text);
  }

  private rangeEquals(start: number, end: number, text: string): boolean {
    if (end - start !== text.length || end > this.bytes.length) return false;
    for (let i = 0; i < text.length; i++) {
      if (this.bytes[start + i] !== text.charCodeAt(i)) return false;
    }
    return true;
  }

  private lineAt(offset: number): number {
    let line = 1;
    for (
      let p = this.bytes.indexOf(0x0a);
      p >= 0 && p < offset;
      p = this.bytes.indexOf(0x0a, p + 1)
    )
      line++;
    return line;
  }

  private syntax(offset: number, problem: string): MeshError {
    const line = this.lineAt(offset);
    return new MeshError(
      'INVALID_3MF',
      `The 3MF model is not valid XML at line ${formatCount(line)} (${problem}). Export the model again.`,
      { part: this.partName, line },
    );
  }
}
