import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { priceModel } from './price-model.js';
import { box, cube, invert, translate, uvSphere } from './testing/mesh-generators.js';
import { sampleMachines, samplePriceList } from './testing/fixtures.js';
import { toBinaryStl } from './testing/mesh-writers.js';

const analyse = (triangles: Parameters<typeof toBinaryStl>[0]) =>
  analyseModel(toBinaryStl(triangles)).report;

const reviewCodes = (triangles: Parameters<typeof toBinaryStl>[0]): string[] =>
  priceModel(toBinaryStl(triangles), {
    materialId: 'pla-black',
    quantity: 1,
    leadTime: 'STANDARD',
    mode: 'INDICATIVE',
    machines: sampleMachines(),
    priceList: samplePriceList(),
  }).review.reasons.map((r) => r.code);

/** A 20 mm box with a 10 mm void in its middle: the void's faces point inwards. */
const hollowBox = () => [...box(20, 20, 20), ...invert(box(10, 10, 10, [5, 5, 5]))];

describe('cavities: a closed inner shell with inward normals is a void, not a second body', () => {
  it('measures a hollow box as outer − inner and does not ask for review', () => {
    const report = analyse(hollowBox());
    assert.equal(report.volumeMm3, 8000 - 1000);
    assert.deepEqual(
      { shells: report.topology.shells, cavities: report.topology.cavities },
      { shells: 2, cavities: 1 },
    );
    assert.equal(report.invertedWindingFixed, false);
    assert.ok(!reviewCodes(hollowBox()).includes('MULTIPLE_SHELLS'));
  });

  it('finds the void of a hollow sphere (its volume is the shell’s)', () => {
    const hollow = [...uvSphere(20, 64, 32), ...invert(uvSphere(12, 48, 24))];
    const report = analyse(hollow);
    const solid = analyse(uvSphere(20, 64, 32)).volumeMm3 - analyse(uvSphere(12, 48, 24)).volumeMm3;
    assert.ok(Math.abs(report.volumeMm3 - solid) < 1e-9 * solid);
    assert.equal(report.topology.cavities, 1);
    assert.deepEqual(reviewCodes(hollow), []);
  });

  it('still counts bodies: two parts, an inside-out part beside one, a loose part in a void', () => {
    const two = [...cube(10), ...translate(cube(10), [20, 0, 0])];
    assert.equal(analyse(two).topology.cavities, 0);
    assert.ok(reviewCodes(two).includes('MULTIPLE_SHELLS'));
    // Inward-facing but outside every other shell: a second body wound the wrong way.
    const beside = [...cube(10), ...invert(translate(cube(5), [20, 0, 0]))];
    assert.equal(analyse(beside).topology.cavities, 0);
    assert.ok(reviewCodes(beside).includes('MULTIPLE_SHELLS'));
    // A ball loose inside the void: 3 shells, 1 void, 2 bodies.
    const rattle = [...hollowBox(), ...translate(uvSphere(2, 16, 8), [10, 10, 10])];
    const report = analyse(rattle).topology;
    assert.deepEqual(
      { shells: report.shells, cavities: report.cavities },
      { shells: 3, cavities: 1 },
    );
    assert.ok(reviewCodes(rattle).includes('MULTIPLE_SHELLS'));
  });

  it('does not judge an open or inconsistently wound mesh (every shell is a body there)', () => {
    const open = [...box(20, 20, 20).slice(2), ...invert(box(10, 10, 10, [5, 5, 5]))];
    assert.equal(analyse(open).topology.cavities, 0);
  });
});
