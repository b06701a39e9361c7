import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { priceOrder, type QuotePrice } from './order-pricing';

const quote = (totalCents: number, minimumPriceAdjustmentCents = 0, quantity = 1): QuotePrice => ({
  quantity,
  price: {
    totalCents,
    unitPriceCents: Math.round(totalCents / quantity),
    minimumPriceAdjustmentCents,
  },
});

describe('priceOrder', () => {
  it('a one-line order costs exactly its quote, topped up or not', () => {
    // A 6.00 part topped up to the 15.00 minimum: 15.00 either way.
    const small = priceOrder([quote(1500, 900)], 1500);
    assert.deepEqual(small, {
      lines: [{ unitPriceCents: 600, totalCents: 600 }],
      subtotalCents: 600,
      minimumOrderSurchargeCents: 900,
      totalCents: 1500,
    });
    assert.equal(priceOrder([quote(4000)], 1500).totalCents, 4000);
  });

  it('applies the minimum once per order, not per line', () => {
    // Three 6.00 parts each topped up to 15.00: 18.00 as one order, not 45.00.
    const three = priceOrder([quote(1500, 900), quote(1500, 900), quote(1500, 900)], 1500);
    assert.deepEqual(
      [three.subtotalCents, three.minimumOrderSurchargeCents, three.totalCents],
      [1800, 0, 1800],
    );
    // Two 4.00 parts: 8.00 topped up to the 15.00 minimum once.
    const two = priceOrder([quote(1500, 1100), quote(1500, 1100)], 1500);
    assert.deepEqual(
      [two.subtotalCents, two.minimumOrderSurchargeCents, two.totalCents],
      [800, 700, 1500],
    );
  });

  it('without a known minimum each line keeps its quote total and nothing is added', () => {
    const order = priceOrder([quote(1500, 900), quote(4000)], null);
    assert.deepEqual(order, {
      lines: [
        { unitPriceCents: 1500, totalCents: 1500 },
        { unitPriceCents: 4000, totalCents: 4000 },
      ],
      subtotalCents: 5500,
      minimumOrderSurchargeCents: 0,
      totalCents: 5500,
    });
  });

  it('keeps the quote unit price when nothing came off, else the line total over the quantity', () => {
    const order = priceOrder([quote(2240, 0, 2), quote(1500, 800, 3)], 1500);
    assert.deepEqual(order.lines, [
      { unitPriceCents: 1120, totalCents: 2240 },
      { unitPriceCents: 233, totalCents: 700 },
    ]);
  });
});
