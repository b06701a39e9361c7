import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseModel } from './analyse.js';
import { MeshError, PricingError } from './errors.js';
import { priceModel, type PriceOptions } from './price-model.js';
import { box, cube, voxels, type Point } from './testing/mesh-generators.js';
import { to3mf, toBinaryStl } from './testing/mesh-writers.js';
import { sampleMachines, samplePriceList } from './testing/fixtures.js';

const options = (overrides: Partial<PriceOptions> = {}): PriceOptions => ({
  materialId: 'pla-black',
  quantity: 5,
  leadTime: 'STANDARD',
  mode: 'INDICATIVE',
  machines: sampleMachines(),
  priceList: samplePriceList(),
  ...overrides,
});

describe('priceModel', () => {
  it('quotes a cube end to end with consistent numbers', () => {
    const result = priceModel(toBinaryStl(cube(20)), options());
    assert.equal(result.technology, 'FDM');
    assert.equal(result.analysis.volumeMm3, 8000);
    assert.equal(result.orientation.chosen.label, '-Z');
    assert.equal(result.partsPerBuild.machineId, 'fdm-1');
    // 250 × 210 plate, 20 mm parts, 5 mm spacing: 10 × 8.
    assert.equal(result.partsPerBuild.capacity, 80);
    assert.equal(result.partsPerBuild.builds, 1);
    const { printTime } = result;
    assert.equal(printTime.mode, 'INDICATIVE');
    assert.equal(printTime.layerCount, 100);
    assert.ok(Math.abs(result.machineSeconds - (300 + 100 * 2 + 5 * printTime.partSeconds)) < 1e-9);
    const { cost } = result;
    assert.equal(cost.material, 8 * 5 * 10);
    assert.equal(cost.machineTime, Math.round((result.machineSeconds / 3600) * 600));
    assert.equal(cost.setup, 500);
    assert.equal(cost.postProcessing, 500);
    assert.equal(
      cost.total,
      cost.subtotal - cost.quantityDiscount + cost.leadTimeAdjustment + cost.minimumPriceAdjustment,
    );
    assert.deepEqual(result.review, { status: 'AUTO_APPROVED', reasons: [] });
    assert.deepEqual(structuredClone(result), result);
  });

  it('slices in FIRM mode and reports progress per stage', () => {
    const stages = new Set<string>();
    const result = priceModel(
      toBinaryStl(cube(20)),
      options({ mode: 'FIRM' }),
      (stage, fraction) => {
        assert.ok(fraction >= 0 && fraction <= 1);
        stages.add(stage);
      },
    );
    assert.equal(result.printTime.mode, 'FIRM');
    assert.ok(Math.abs(result.printTime.perimeterPathMm! - 100 * 80 * 2) < 1e-6);
    assert.deepEqual(
      [...stages],
      ['parse', 'weld', 'measure', 'topology', 'orientation', 'print-time', 'pack', 'cost'],
    );
  });

  it('nests powder parts in 3D', () => {
    const result = priceModel(
      toBinaryStl(cube(20)),
      options({ materialId: 'pa12-sls', quantity: 100 }),
    );
    assert.equal(result.partsPerBuild.method, '3D');
    assert.equal(result.partsPerBuild.capacity, 6 * 6 * 12);
    assert.equal(result.partsPerBuild.buildHeightMm, 3 * 20 + 2 * 5);
    assert.equal(result.cost.support, 0);
    assert.equal(result.cost.quantityDiscountPercent, 10);
  });

  it('orients a T to avoid support and charges no support for it', () => {
    const cells: Point[] = [];
    for (let y = 0; y < 4; y++) cells.push([0, y, 2], [1, y, 2], [2, y, 2], [1, y, 0], [1, y, 1]);
    const result = priceModel(toBinaryStl(voxels(cells, 10)), options());
    assert.equal(result.orientation.chosen.label, '+Z');
    assert.equal(result.cost.support, 0);
  });

  it('accepts an earlier analysis, even after a structured clone', () => {
    const bytes = to3mf(box(30, 20, 10));
    const fromBytes = priceModel(bytes, options());
    const analysis = structuredClone(analyseModel(bytes));
    assert.deepEqual(priceModel(analysis, options()), fromBytes);
  });

  it('sends parts that fit no machine to review', () => {
    const result = priceModel(toBinaryStl(box(400, 400, 400)), options());
    assert.equal(result.partsPerBuild.fits, false);
    assert.equal(result.review.status, 'NEEDS_REVIEW');
    assert.ok(result.review.reasons.some((r) => r.code === 'NO_FITTING_MACHINE'));
    assert.ok(result.cost.total > 0);
  });

  it('sends expensive orders to review using the price list threshold', () => {
    const priceList = { ...samplePriceList(), reviewAbovePriceCents: 1000 };
    const result = priceModel(toBinaryStl(cube(20)), options({ priceList }));
    assert.deepEqual(
      result.review.reasons.map((r) => r.code),
      ['PRICE_ABOVE_THRESHOLD'],
    );
  });

  it('refuses to price a model without volume', () => {
    const sheet = toBinaryStl([
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
    ]);
    assert.throws(
      () => priceModel(sheet, options()),
      (e: unknown) => e instanceof MeshError && e.code === 'ZERO_VOLUME',
    );
  });

  it('rejects unknown materials, invalid price lists and bad quantities', () => {
    const bytes = toBinaryStl(cube(10));
    assert.throws(
      () => priceModel(bytes, options({ materialId: 'gold' })),
      (e: unknown) => e instanceof PricingError && e.code === 'UNKNOWN_MATERIAL',
    );
    const broken = { ...samplePriceList(), minimumPriceCents: -1 };
    assert.throws(() => priceModel(bytes, options({ priceList: broken })), {
      code: 'INVALID_PRICE_LIST',
      details: { errors: ['minimumPriceCents must be a non-negative integer'] },
    });
    assert.throws(() => priceModel(bytes, options({ quantity: 0 })), { code: 'INVALID_QUANTITY' });
  });

  it('passes the STL unit through to the analysis', () => {
    const result = priceModel(toBinaryStl(cube(2)), options({ unit: 'cm' }));
    assert.equal(result.analysis.volumeMm3, 8000);
  });
});
