import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { estimateFirm, estimateIndicative, type PrintTimeInput } from './print-time.js';
import { resolveProfile, type TechnologyProfile } from './technology.js';
import { box, cube, cylinder } from './testing/mesh-generators.js';
import { polylineSeconds, trapezoidSeconds } from './motion.util.js';
import { sliceMesh, type SlicedLayer } from './slicer.js';
import { toBinaryStl } from './testing/mesh-writers.js';

const close = (actual: number, expected: number, tolerance = 1e-6): void => {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);
};

/** FDM with round numbers and near-instant acceleration, so times are length / speed. */
const simple: Partial<TechnologyProfile> = {
  layerHeightMm: 0.2,
  perimeters: 1,
  lineWidthMm: 0.5,
  infillDensity: 0.5,
  solidLayers: 0,
  perimeterSpeedMmS: 50,
  infillSpeedMmS: 100,
  accelerationMmS2: 1e12,
  needsSupport: false,
};

function boxInput(profile: Partial<TechnologyProfile>): PrintTimeInput {
  const { report, mesh } = analyseModel(toBinaryStl(box(10, 20, 5)));
  return {
    mesh,
    volumeMm3: report.volumeMm3,
    surfaceAreaMm2: report.surfaceAreaMm2,
    heightMm: 5,
    supportVolumeMm3: 0,
    profile: resolveProfile('FDM', { FDM: profile }),
  };
}

describe('estimateFirm', () => {
  it('sums contour and infill paths layer by layer on a box', () => {
    const estimate = estimateFirm(boxInput(simple));
    assert.equal(estimate.layerCount, 25);
    close(estimate.perimeterPathMm!, 25 * 60);
    // Per layer: (200 mm² − 60 mm × 0.5 mm) × 50 % / 0.5 mm = 170 mm of infill.
    close(estimate.infillPathMm!, 25 * 170);
    assert.equal(estimate.travelPathMm, 0);
    assert.equal(estimate.openLoops, 0);
    close(estimate.partSeconds, 1500 / 50 + 4250 / 100, 1e-3);
    close(estimate.depositedVolumeMm3, 25 * (30 + 85) * 0.2);
  });

  it('times a repeated layer as its own contours would be timed', () => {
    const { report, mesh } = analyseModel(toBinaryStl(cylinder(20, 10, 600)));
    const profile = resolveProfile('FDM', { FDM: { ...simple, accelerationMmS2: 500 } });
    const input = { ...boxInput(simple), mesh, volumeMm3: report.volumeMm3, profile };
    const estimate = estimateFirm({ ...input, surfaceAreaMm2: report.surfaceAreaMm2 });
    const layers: SlicedLayer[] = [];
    sliceMesh(mesh, { layerHeightMm: 0.2, onLayer: (l) => layers.push(l) });
    assert.equal(
      layers.filter((l) => l.repeatsPrevious).length,
      49,
      'one layer built, 49 repeated',
    );
    // Every layer: the 600-gon once at perimeter speed, and its infill.
    const loop = layers[0]!.loops[0]!;
    const contour = polylineSeconds(loop.points, true, 50, 500);
    const infill = ((layers[0]!.areaMm2 - layers[0]!.perimeterMm * 0.5) * 0.5) / 0.5;
    close(estimate.perimeterPathMm!, 50 * layers[0]!.perimeterMm, 1e-6);
    close(estimate.infillPathMm!, 50 * infill, 1e-6);
    const xs = loop.points.filter((_, i) => i % 2 === 0);
    const lines = Math.ceil(infill / (Math.max(...xs) - Math.min(...xs)));
    const zigzag = lines * trapezoidSeconds(infill / lines, 0, 0, 100, 500);
    close(estimate.partSeconds, 50 * (contour + zigzag), 1e-6);
  });

  it('prints the first and last layers solid', () => {
    const estimate = estimateFirm(boxInput({ ...simple, solidLayers: 2 }));
    close(estimate.infillPathMm!, 21 * 170 + 4 * 340);
  });

  it('adds the time of the layers and of the build', () => {
    const estimate = estimateFirm(
      boxInput({ ...simple, perLayerSeconds: 3, fixedBuildSeconds: 100 }),
    );
    close(estimate.singlePartBuildSeconds, 100 + 25 * 3 + estimate.partSeconds);
  });

  it('travels between the contours of a layer', () => {
    const { report, mesh } = analyseModel(
      toBinaryStl([...cube(10), ...box(10, 10, 10, [30, 0, 0])]),
    );
    const estimate = estimateFirm({
      mesh,
      volumeMm3: report.volumeMm3,
      surfaceAreaMm2: report.surfaceAreaMm2,
      heightMm: 10,
      supportVolumeMm3: 0,
      profile: resolveProfile('FDM', { FDM: simple }),
    });
    assert.ok(estimate.travelPathMm! >= 50 * 20);
  });
});

describe('estimateIndicative', () => {
  it('deposits a shell, sparse infill and support at the volumetric rate', () => {
    const input = { ...boxInput({}), supportVolumeMm3: 1000 };
    const estimate = estimateIndicative(input);
    // Shell 700 mm² × 2 × 0.45 mm = 630 mm³; infill (1000 − 630) × 20 %; support 1000 × 15 %.
    close(estimate.depositedVolumeMm3, 630 + 370 * 0.2 + 150);
    close(estimate.partSeconds, (630 + 74 + 150) / 8);
    assert.equal(estimate.layerCount, 25);
    close(estimate.singlePartBuildSeconds, 300 + 25 * 2 + estimate.partSeconds);
  });

  it('agrees with the sliced estimate on deposited volume for a solid box', () => {
    const input = boxInput({ infillDensity: 1, solidLayers: 0 });
    const firm = estimateFirm(input).depositedVolumeMm3;
    const indicative = estimateIndicative(input).depositedVolumeMm3;
    close(firm, 1000, 1e-6);
    close(indicative, 1000, 1e-6);
  });
});
