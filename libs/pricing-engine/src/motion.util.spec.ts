import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { polylineSeconds, trapezoidSeconds } from './motion.util.js';

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`);

describe('trapezoidSeconds', () => {
  it('accelerates, cruises and decelerates', () => {
    close(trapezoidSeconds(100, 0, 0, 10, 10), 11);
  });

  it('lowers the peak on short moves', () => {
    close(trapezoidSeconds(1, 0, 0, 10, 10), 2 * Math.sqrt(1 / 10));
  });

  it('ramps when even the entry/exit speed change does not fit', () => {
    // From 10 mm/s, braking at 10 mm/s² over 1 mm reaches sqrt(80) mm/s.
    close(trapezoidSeconds(1, 10, 0, 10, 10), 2 / (10 + Math.sqrt(80)));
  });
});

describe('polylineSeconds', () => {
  it('slows to half speed at right-angle corners of a closed square', () => {
    const square = Float64Array.from([0, 0, 10, 0, 10, 10, 0, 10]);
    const v = 10;
    const a = 100;
    close(polylineSeconds(square, true, v, a), 4 * trapezoidSeconds(10, 5, 5, v, a));
  });

  it('does not slow down along a straight open chain', () => {
    const line = Float64Array.from([0, 0, 5, 0, 10, 0]);
    close(
      polylineSeconds(line, false, 10, 10),
      trapezoidSeconds(5, 0, 10, 10, 10) + trapezoidSeconds(5, 10, 0, 10, 10),
    );
  });
});
