import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PricedModel } from '@fabflow/contracts';
import { priceModel, type Machine, type PriceList } from '@fabflow/pricing-engine';
import { pricingEngineFixtures } from '@fabflow/testing';
import { toPricedModel } from './priced-model.mapper';

const f = pricingEngineFixtures();

describe('priced model mapping', () => {
  it('keeps the model summary and a breakdown that adds up, valid against the contract', () => {
    const result = priceModel(f.toBinaryStl(f.cube(20)), {
      materialId: 'pla-black',
      quantity: 12,
      leadTime: 'EXPRESS',
      mode: 'INDICATIVE',
      machines: f.sampleMachines() as unknown as Machine[],
      priceList: f.samplePriceList() as unknown as PriceList,
    });
    const priced = PricedModel.parse(toPricedModel(result, 'INDICATIVE'));
    assert.equal(priced.status, 'READY');
    assert.equal(priced.mode, 'INDICATIVE');
    assert.equal(priced.model.volumeMm3, 8000);
    assert.equal(priced.model.triangles, 12);
    assert.deepEqual(priced.model.bboxMm, { x: 20, y: 20, z: 20 });
    assert.equal(priced.model.watertight, true);
    const p = priced.price;
    assert.equal(
      p.materialCents + p.supportCents + p.machineTimeCents + p.setupCents + p.postProcessingCents,
      p.subtotalCents,
    );
    assert.equal(
      p.subtotalCents -
        p.quantityDiscountCents +
        p.leadTimeAdjustmentCents +
        p.minimumPriceAdjustmentCents,
      p.totalCents,
    );
    assert.ok(p.quantityDiscountCents > 0, '12 parts reach a quantity break');
    assert.ok(p.leadTimeAdjustmentCents > 0, 'express costs more');
    assert.equal(priced.quantity, 12);
    assert.equal(priced.leadTime, 'EXPRESS');
    assert.equal(priced.priceListVersion, 'test-2025-01');
    assert.ok(priced.machineId);
  });

  it('holds a quote the review gate flags for a person (NEEDS_REVIEW with the reasons)', () => {
    const result = priceModel(f.toBinaryStl(f.cube(20).slice(2)), {
      materialId: 'pla-black',
      quantity: 1,
      leadTime: 'STANDARD',
      mode: 'INDICATIVE',
      machines: f.sampleMachines() as unknown as Machine[],
      priceList: f.samplePriceList() as unknown as PriceList,
    });
    const priced = toPricedModel(result, 'INDICATIVE');
    assert.equal(priced.status, 'NEEDS_REVIEW');
    assert.deepEqual(
      priced.reviewReasons.map((r) => r.code),
      ['NOT_WATERTIGHT'],
    );
  });
});
