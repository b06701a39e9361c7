import { Buffer } from 'node:buffer';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT_DIGITS = 15;

/** Decodes bytes `[start, end)` as Latin-1 text (for messages and slow-path parsing). */
export function bytesToText(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/**
 * Parses a decimal number from ASCII bytes `[start, end)` without allocating a string.
 * Returns NaN when the token is not a plain decimal number (callers then decide whether it
 * was a syntax error or a spelled-out non-finite value, see {@link isNonFiniteSpelling}).
 * Overflowing exponents yield ±Infinity.
 */
export function parseAsciiFloat(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === 0x2b || first === 0x2d) {
    negative = first === 0x2d;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let sawDigit = false;
  for (; i < end; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (significant < 17) {
      mantissa = mantissa * 10 + d;
      if (mantissa > 0) significant++;
    } else {
      exponent++;
    }
  }
  if (i < end && bytes[i] === 0x2e) {
    for (i++; i < end; i++) {
      const d = bytes[i]! - 0x30;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (significant < 17) {
        mantissa = mantissa * 10 + d;
        if (mantissa > 0) significant++;
        exponent--;
      }
    }
  }
  if (!sawDigit) return Number.NaN;
  if (i < end && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
    i++;
    let expNegative = false;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) {
      expNegative = bytes[i] === 0x2d;
      i++;
    }
    let expValue = 0;
    let sawExpDigit = false;
    for (; i < end; i++) {
      const d = bytes[i]! - 0x30;
      if (d < 0 || d > 9) break;
      sawExpDigit = true;
      if (expValue < 100000) expValue = expValue * 10 + d;
    }
    if (!sawExpDigit) return Number.NaN;
    exponent += expNegative ? -expValue : expValue;
  }
  if (i !== end) return Number.NaN;
  if (mantissa === 0) return negative ? -0 : 0;
  let value: number;
  if (significant <= MAX_EXACT_DIGITS && exponent >= -22 && exponent <= 22) {
    // Both operands are exact doubles, so one multiplication or division rounds correctly.
    value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
  } else {
    value = Math.abs(Number(bytesToText(bytes, start, end)));
  }
  return negative ? -value : value;
}

/** True for tokens such as `nan`, `-inf` or `Infinity` that some exporters write. */
export function isNonFiniteSpelling(bytes: Uint8Array, start: number, end: number): boolean {
  const text = bytesToText(bytes, start, end).toLowerCase().replace(/^[+-]/, '');
  return text === 'nan' || text === 'inf' || text === 'infinity' || text === '1.#inf';
}

/** Parses a non-negative decimal integer from ASCII bytes, or returns -1. */
export function parseAsciiIndex(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 10) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= 0xffffffff ? value : -1;
}
