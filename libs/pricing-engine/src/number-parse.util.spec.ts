import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNonFiniteSpelling, parseAsciiFloat, parseAsciiIndex } from './number-parse.util.js';

const float = (s: string): number => parseAsciiFloat(new TextEncoder().encode(s), 0, s.length);

describe('parseAsciiFloat', () => {
  it('matches Number() on plain and long decimals', () => {
    for (const s of [
      '0',
      '-0.5',
      '12.345',
      '1e3',
      '-7.25E-2',
      '3.14159265358979323846',
      '123456789012345678901',
      '1e-320',
    ]) {
      assert.equal(float(s), Number(s), s);
    }
  });

  it('returns NaN for malformed tokens and Infinity on overflow', () => {
    for (const s of ['', '-', '.', '1.2.3', '1e', 'abc', '1x'])
      assert.ok(Number.isNaN(float(s)), s);
    assert.equal(float('1e400'), Number.POSITIVE_INFINITY);
  });

  it('recognises spelled-out non-finite values', () => {
    const spelled = (s: string): boolean =>
      isNonFiniteSpelling(new TextEncoder().encode(s), 0, s.length);
    assert.ok(spelled('NaN') && spelled('-inf') && spelled('Infinity'));
    assert.ok(!spelled('1.0'));
  });

  it('parses indices', () => {
    const index = (s: string): number => parseAsciiIndex(new TextEncoder().encode(s), 0, s.length);
    assert.equal(index('42'), 42);
    assert.equal(index('-1'), -1);
    assert.equal(index('99999999999'), -1);
  });
});
