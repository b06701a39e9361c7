import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCost, type CostInput } from './cost.js';
import { PricingError } from './errors.js';
import { samplePriceList } from './testing/fixtures.js';

const priceList = samplePriceList();
const pla = priceList.materials[0]!;

const input = (overrides: Partial<CostInput>): CostInput => ({
  priceList,
  material: pla,
  quantity: 1,
  leadTime: 'STANDARD',
  partVolumeMm3: 1000,
  supportMaterialMm3: 0,
  machineSeconds: 3600,
  builds: 1,
  ...overrides,
});

describe('computeCost', () => {
  it('tops a small order up to the minimum price', () => {
    const cost = computeCost(input({}));
    assert.equal(cost.material, 10);
    assert.equal(cost.machineTime, 600);
    assert.equal(cost.setup, 500);
    assert.equal(cost.postProcessing, 100);
    assert.equal(cost.subtotal, 1210);
    assert.equal(cost.minimumPriceAdjustment, 790);
    assert.equal(cost.total, 2000);
    assert.equal(cost.unitPrice, 2000);
    assert.equal(cost.currency, 'EUR');
    assert.equal(cost.priceListVersion, 'test-2025-01');
  });

  it('applies the quantity break, then the express multiplier', () => {
    const cost = computeCost(
      input({
        quantity: 10,
        partVolumeMm3: 20000,
        supportMaterialMm3: 2000,
        machineSeconds: 36000,
        builds: 2,
        leadTime: 'EXPRESS',
      }),
    );
    assert.deepEqual(
      [
        cost.material,
        cost.support,
        cost.machineTime,
        cost.setup,
        cost.postProcessing,
        cost.subtotal,
      ],
      [2000, 100, 6000, 1000, 1000, 10100],
    );
    assert.equal(cost.quantityDiscountPercent, 5);
    assert.equal(cost.quantityDiscount, 505);
    assert.equal(cost.leadTimeMultiplier, 1.5);
    assert.equal(cost.leadTimeAdjustment, 4798);
    assert.equal(cost.minimumPriceAdjustment, 0);
    assert.equal(cost.total, 14393);
    assert.equal(cost.unitPrice, 1439);
    assert.ok(Math.abs(cost.partMassG - 20 * 1.24) < 1e-9);
  });

  it('discounts economy orders, rounding half away from zero', () => {
    const cost = computeCost(
      input({
        quantity: 10,
        partVolumeMm3: 20000,
        supportMaterialMm3: 2000,
        machineSeconds: 36000,
        builds: 2,
        leadTime: 'ECONOMY',
      }),
    );
    assert.equal(cost.leadTimeAdjustment, -960);
    assert.equal(cost.total, 8635);
  });

  it('uses the best quantity break reached', () => {
    assert.equal(computeCost(input({ quantity: 9 })).quantityDiscountPercent, 0);
    assert.equal(computeCost(input({ quantity: 50 })).quantityDiscountPercent, 10);
    assert.equal(computeCost(input({ quantity: 500 })).quantityDiscountPercent, 10);
  });

  it('keeps the lines consistent with the total', () => {
    const cost = computeCost(
      input({
        quantity: 37,
        partVolumeMm3: 12345.6,
        supportMaterialMm3: 777,
        machineSeconds: 99999,
        builds: 3,
      }),
    );
    assert.equal(
      cost.subtotal,
      cost.material + cost.support + cost.machineTime + cost.setup + cost.postProcessing,
    );
    assert.equal(
      cost.total,
      cost.subtotal - cost.quantityDiscount + cost.leadTimeAdjustment + cost.minimumPriceAdjustment,
    );
    for (const value of [cost.material, cost.support, cost.machineTime, cost.total, cost.unitPrice])
      assert.ok(Number.isInteger(value));
  });

  it('never prices a zero or negative volume, nor a bad quantity', () => {
    assert.throws(
      () => computeCost(input({ partVolumeMm3: 0 })),
      (e: unknown) => e instanceof PricingError && e.code === 'NON_POSITIVE_VOLUME',
    );
    assert.throws(() => computeCost(input({ partVolumeMm3: -5 })), { code: 'NON_POSITIVE_VOLUME' });
    assert.throws(() => computeCost(input({ partVolumeMm3: Number.NaN })), {
      code: 'NON_POSITIVE_VOLUME',
    });
    assert.throws(() => computeCost(input({ quantity: 1.5 })), { code: 'INVALID_QUANTITY' });
  });
});
