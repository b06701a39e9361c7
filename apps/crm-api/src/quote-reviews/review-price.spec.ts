import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineTotalCents } from '@fabflow/contracts';
import { reviewedPrice } from './review-price';

const proposed = {
  currency: 'EUR',
  materialCents: 300,
  supportCents: 50,
  machineTimeCents: 200,
  setupCents: 500,
  postProcessingCents: 150,
  subtotalCents: 1200,
  quantityDiscountCents: 0,
  leadTimeAdjustmentCents: 0,
  minimumPriceAdjustmentCents: 300,
  totalCents: 1500,
  unitPriceCents: 750,
};
const sum = (p: typeof proposed & { reviewAdjustmentCents?: number }) =>
  p.subtotalCents -
  p.quantityDiscountCents +
  p.leadTimeAdjustmentCents +
  p.minimumPriceAdjustmentCents +
  (p.reviewAdjustmentCents ?? 0);

describe('reviewedPrice', () => {
  it('keeps the engine price when the reviewer does not adjust it', () => {
    assert.deepEqual(reviewedPrice(proposed, 2, undefined), proposed);
  });

  it("charges the reviewer's unit price × quantity, and the breakdown still adds up", () => {
    const p = reviewedPrice(proposed, 2, 900);
    assert.equal(p.totalCents, 1800);
    assert.equal(p.unitPriceCents, 900);
    assert.equal(p.minimumPriceAdjustmentCents, 0);
    assert.equal(p.reviewAdjustmentCents, 600);
    assert.equal(sum(p), p.totalCents);
  });

  it('lowers the price below the engine minimum without making an order line negative', () => {
    const p = reviewedPrice(proposed, 2, 400);
    assert.equal(p.totalCents, 800);
    assert.equal(sum(p), 800);
    assert.equal(lineTotalCents(p), 800, 'a reviewed price is what the order line charges');
  });
});
