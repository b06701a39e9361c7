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

  it('does not slow down where a straight wall was split: the crossing of a facet diagonal', () => {
    // Slow acceleration: no move reaches full speed, so a forced full-speed junction would show.
    const [v, a] = [10, 1];
    const square = Float64Array.from([0, 0, 10, 0, 10, 10, 0, 10]);
    // Points on two sides, one 1e-12 mm off the line (float rounding of a crossing).
    const split = Float64Array.from([0, 0, 3, 0, 10, 0, 10, 7.5 + 1e-12, 10, 10, 0, 10]);
    assert.equal(polylineSeconds(split, true, v, a), polylineSeconds(square, true, v, a));
    // A real bend, however slight, is a corner; so is a reversal along one line.
    const bent = Float64Array.from([0, 0, 3, 1e-6, 10, 0, 10, 10, 0, 10]);
    assert.notEqual(polylineSeconds(bent, true, v, a), polylineSeconds(square, true, v, a));
    const back = Float64Array.from([0, 0, 10, 0, 5, 0]);
    close(
      polylineSeconds(back, false, v, a),
      trapezoidSeconds(10, 0, 0, v, a) + trapezoidSeconds(5, 0, 0, v, a),
    );
  });
});
