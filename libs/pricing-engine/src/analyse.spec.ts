import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError } from './errors.js';
import { measureMesh, computeBoundingBox } from './mesh-analysis.js';
import {
  box,
  cube,
  invert,
  torus,
  translate,
  uvSphere,
  voxels,
  type Triangle,
} from './testing/mesh-generators.js';
import { toAsciiStl, toBinaryStl } from './testing/mesh-writers.js';

const close = (actual: number, expected: number, relative = 1e-6): void => {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${actual} ≉ ${expected}`,
  );
};

/**
 * Exact volume and area of the UV-sphere polyhedron, computed as a stack of frusta with
 * regular n-gon cross-sections (independent of the tetrahedron sum under test).
 */
function uvSpherePolyhedron(r: number, n: number, m: number): { volume: number; area: number } {
  let volume = 0;
  let area = 0;
  for (let i = 0; i < m; i++) {
    const z0 = r * Math.cos((Math.PI * i) / m);
    const z1 = r * Math.cos((Math.PI * (i + 1)) / m);
    const r0 = r * Math.sin((Math.PI * i) / m);
    const r1 = r * Math.sin((Math.PI * (i + 1)) / m);
    volume +=
      ((n / 2) * Math.sin((2 * Math.PI) / n) * (z0 - z1) * (r0 * r0 + r0 * r1 + r1 * r1)) / 3;
    const slant = Math.hypot(Math.cos(Math.PI / n) * (r1 - r0), z0 - z1);
    area += n * (r0 + r1) * Math.sin(Math.PI / n) * slant;
  }
  return { volume, area };
}

/**
 * Exact volume of the torus polyhedron: n wedges, each sin(2π/n) × ∫∫ρ dA over the regular
 * m-gon cross-section (Pappus for a discrete revolution); area from its planar trapezoids.
 */
function torusPolyhedron(
  R: number,
  r: number,
  n: number,
  m: number,
): { volume: number; area: number } {
  const volume =
    n * Math.sin((2 * Math.PI) / n) * (m / 2) * r * r * Math.sin((2 * Math.PI) / m) * R;
  let area = 0;
  for (let j = 0; j < m; j++) {
    const rho0 = R + r * Math.cos((2 * Math.PI * j) / m);
    const rho1 = R + r * Math.cos((2 * Math.PI * (j + 1)) / m);
    const dz = r * (Math.sin((2 * Math.PI * (j + 1)) / m) - Math.sin((2 * Math.PI * j) / m));
    area +=
      n *
      (rho0 + rho1) *
      Math.sin(Math.PI / n) *
      Math.hypot(Math.cos(Math.PI / n) * (rho1 - rho0), dz);
  }
  return { volume, area };
}

function meshError(bytes: Uint8Array): MeshError {
  try {
    analyseModel(bytes);
  } catch (error) {
    assert.ok(error instanceof MeshError, String(error));
    return error;
  }
  assert.fail('expected a MeshError');
}

describe('analyseModel: measures', () => {
  it('measures a cube exactly', () => {
    const { report, mesh } = analyseModel(toBinaryStl(cube(10)));
    assert.equal(report.volumeMm3, 1000);
    assert.equal(report.surfaceAreaMm2, 600);
    assert.deepEqual(report.bbox.size, { x: 10, y: 10, z: 10 });
    assert.equal(report.vertexCount, 8);
    assert.equal(report.triangleCount, 12);
    assert.equal(mesh.indices.length, 36);
    assert.deepEqual(report.topology, {
      edges: 18,
      boundaryEdges: 0,
      nonManifoldEdges: 0,
      inconsistentEdges: 0,
      watertight: true,
      shells: 1,
      cavities: 0,
    });
    assert.deepEqual(report.warnings, []);
  });

  it('measures an offset box exactly, from binary and ASCII STL alike', () => {
    const triangles = box(12.5, 20, 4, [100, -50, 7]);
    for (const bytes of [toBinaryStl(triangles), toAsciiStl(triangles)]) {
      const { report } = analyseModel(bytes);
      assert.equal(report.volumeMm3, 1000);
      assert.equal(report.surfaceAreaMm2, 2 * (12.5 * 20 + 12.5 * 4 + 20 * 4));
      assert.deepEqual(report.bbox.min, { x: 100, y: -50, z: 7 });
      assert.deepEqual(report.bbox.max, { x: 112.5, y: -30, z: 11 });
    }
  });

  it('matches the exact volume and area of a UV-sphere polyhedron', () => {
    const expected = uvSpherePolyhedron(25, 48, 24);
    const { report } = analyseModel(toBinaryStl(uvSphere(25, 48, 24)));
    close(report.volumeMm3, expected.volume);
    close(report.surfaceAreaMm2, expected.area);
    assert.ok(report.volumeMm3 < (4 / 3) * Math.PI * 25 ** 3);
    assert.equal(report.topology.watertight, true);
    assert.equal(report.vertexCount, 48 * 23 + 2);
  });

  it('matches the exact volume and area of a torus polyhedron', () => {
    const expected = torusPolyhedron(30, 8, 64, 20);
    const { report } = analyseModel(toBinaryStl(torus(30, 8, 64, 20)));
    close(report.volumeMm3, expected.volume);
    close(report.surfaceAreaMm2, expected.area);
    assert.equal(report.topology.watertight, true);
    assert.equal(report.topology.shells, 1);
  });

  it('converts STL units to millimetres', () => {
    const mm = analyseModel(toBinaryStl(cube(10)), { unit: 'mm' }).report;
    const cm = analyseModel(toBinaryStl(cube(10)), { unit: 'cm' }).report;
    const inch = analyseModel(toBinaryStl(cube(1)), { unit: 'inch' }).report;
    assert.equal(cm.volumeMm3, 1000 * mm.volumeMm3);
    assert.deepEqual(cm.bbox.size, { x: 100, y: 100, z: 100 });
    assert.equal(cm.sourceUnit, 'cm');
    close(inch.volumeMm3, 16387.064);
  });

  it('keeps precision far from the origin', () => {
    const { report } = analyseModel(toBinaryStl(translate(cube(2), [5000, 5000, 5000])));
    assert.equal(report.volumeMm3, 8);
  });
});

describe('analyseModel: defects', () => {
  it('flips an inside-out mesh and warns instead of pricing a negative volume', () => {
    const { report, mesh } = analyseModel(toBinaryStl(invert(cube(10))));
    assert.equal(report.volumeMm3, 1000);
    assert.equal(report.invertedWindingFixed, true);
    assert.deepEqual(
      report.warnings.map((w) => w.code),
      ['INVERTED_WINDING'],
    );
    const remeasured = measureMesh(mesh, computeBoundingBox(mesh.positions), 1e-6);
    assert.equal(remeasured.signedVolumeMm3, 1000);
  });

  it('finds the holes of an open mesh', () => {
    const { report } = analyseModel(toBinaryStl(cube(10).slice(0, 11)));
    assert.equal(report.topology.boundaryEdges, 3);
    assert.equal(report.topology.watertight, false);
  });

  it('counts non-manifold edges, inconsistent winding and shells', () => {
    const edgeTouching = analyseModel(
      toBinaryStl(
        voxels(
          [
            [0, 0, 0],
            [1, 1, 0],
          ],
          5,
        ),
      ),
    ).report.topology;
    assert.equal(edgeTouching.nonManifoldEdges, 1);
    assert.equal(edgeTouching.watertight, false);
    const flippedOne = cube(10);
    flippedOne[4] = invert([flippedOne[4]!])[0]!;
    assert.equal(analyseModel(toBinaryStl(flippedOne)).report.topology.inconsistentEdges, 3);
    const two = analyseModel(toBinaryStl([...cube(1), ...translate(cube(1), [3, 0, 0])])).report;
    assert.equal(two.topology.shells, 2);
    assert.equal(two.volumeMm3, 2);
  });

  it('welds vertices that differ by less than the tolerance', () => {
    const jittered = cube(10).map(
      (t, i) => t.map(([x, y, z], c) => [x + ((i * 3 + c) % 7) * 3e-6, y, z]) as Triangle,
    );
    const welded = analyseModel(toBinaryStl(jittered), { weldToleranceMm: 1e-3 }).report;
    assert.equal(welded.vertexCount, 8);
    assert.equal(welded.topology.watertight, true);
    const unwelded = analyseModel(toBinaryStl(jittered), { weldToleranceMm: 1e-7 }).report;
    assert.ok(unwelded.vertexCount > 8);
    assert.ok(unwelded.topology.boundaryEdges > 0);
  });

  it('counts degenerate faces as a warning when they are few', () => {
    const slivers: Triangle[] = [
      [
        [0, 0, 0],
        [0, 0, 0],
        [10, 0, 0],
      ],
      [
        [0, 0, 10],
        [10, 0, 10],
        [10, 0, 10],
      ],
      [
        [20, 0, 0],
        [25, 0, 0],
        [30, 0, 0],
      ],
    ];
    const { report } = analyseModel(toBinaryStl([...cube(10), ...slivers]));
    assert.equal(report.degenerateFaces, 3);
    assert.equal(report.inputTriangles, 15);
    assert.equal(report.triangleCount, 13);
    assert.equal(report.volumeMm3, 1000);
    assert.deepEqual(
      report.warnings.map((w) => [w.code, w.count]),
      [['DEGENERATE_FACES', 3]],
    );
  });

  it('rejects meshes made mostly or only of degenerate faces', () => {
    const collapsed: Triangle = [
      [1, 1, 1],
      [1, 1, 1],
      [2, 2, 2],
    ];
    const mostly = analyseModel.bind(
      null,
      toBinaryStl([...cube(10), ...Array<Triangle>(13).fill(collapsed)]),
    );
    assert.throws(mostly, { code: 'DEGENERATE_MESH' });
    const error = meshError(toBinaryStl([collapsed]));
    assert.equal(error.code, 'DEGENERATE_MESH');
    assert.match(error.message, /1 of 1 triangles have no area/);
  });

  it('reports a flat sheet as zero volume', () => {
    const sheet: Triangle[] = [
      [
        [0, 0, 0],
        [10, 0, 0],
        [10, 10, 0],
      ],
      [
        [0, 0, 0],
        [10, 10, 0],
        [0, 10, 0],
      ],
    ];
    const { report } = analyseModel(toBinaryStl(sheet));
    assert.equal(report.volumeMm3, 0);
    assert.ok(report.warnings.some((w) => w.code === 'ZERO_VOLUME'));
  });

  it('reports progress per stage and stays structured-cloneable', () => {
    const stages: string[] = [];
    const analysis = analyseModel(toBinaryStl(cube(10)), {
      onProgress: (stage, fraction) => {
        assert.ok(fraction >= 0 && fraction <= 1);
        if (!stages.includes(stage)) stages.push(stage);
      },
    });
    assert.deepEqual(stages, ['parse', 'weld', 'measure', 'topology']);
    assert.deepEqual(structuredClone(analysis), analysis);
  });
});
