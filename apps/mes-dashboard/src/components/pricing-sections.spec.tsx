import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { PricingSections } from './pricing-sections';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('work-order detail: model and quote sections', () => {
  it('show the model stats and the price breakdown when the work order has a quote', () => {
    const html = renderToStaticMarkup(
      <PricingSections
        model={{
          format: 'STL_BINARY',
          triangles: 123456,
          volumeMm3: 12_345.6,
          surfaceAreaMm2: 5_432.1,
          bboxMm: { x: 40, y: 25.5, z: 12.25 },
          watertight: true,
          shells: 1,
        }}
        quote={{
          currency: 'EUR',
          materialCents: 148,
          supportCents: 20,
          machineTimeCents: 900,
          setupCents: 500,
          postProcessingCents: 150,
          subtotalCents: 1718,
          quantityDiscountCents: 0,
          leadTimeAdjustmentCents: 0,
          minimumPriceAdjustmentCents: 0,
          totalCents: 1718,
          unitPriceCents: 1718,
        }}
      />,
    );
    const t = text(html);
    assert.match(t, /Volume 12\.3 cm³/);
    assert.match(t, /Bounding box 40 × 25\.5 × 12\.3 mm/);
    assert.match(t, /Triangles 123,456/);
    assert.match(t, /STL_BINARY, watertight, 1 shell\b/);
    assert.match(t, /Machine time €9\.00/);
    assert.match(t, /Total €17\.18/);
    // A zero discount is a zero, not "-€0.00".
    assert.match(t, /Quantity discount €0\.00/);
    assert.doesNotMatch(t, /No model data|No price breakdown/);
  });

  it('say so, and invent nothing, when there is no quote behind the work order', () => {
    const t = text(renderToStaticMarkup(<PricingSections model={null} quote={null} />));
    assert.match(t, /No model data/);
    assert.match(t, /No price breakdown/);
    assert.doesNotMatch(t, /cm³|€/);
  });
});
