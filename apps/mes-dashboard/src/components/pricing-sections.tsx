import { cm3, mm, money } from '../format';
import type { Detail } from '../types';

/** The model's measurements and the quote's price breakdown, when the work order has a quote. */
export function PricingSections(props: { model: Detail['model']; quote: Detail['quote'] }) {
  const { model, quote } = props;
  return (
    <>
      <section aria-label="Model">
        <h3>Model</h3>
        {model ? (
          <dl className="facts">
            <dt>Volume</dt>
            <dd data-testid="model-volume">{cm3(model.volumeMm3)}</dd>
            <dt>Bounding box</dt>
            <dd data-testid="model-bbox">
              {mm(model.bboxMm.x)} × {mm(model.bboxMm.y)} × {mm(model.bboxMm.z)} mm
            </dd>
            <dt>Triangles</dt>
            <dd data-testid="model-triangles">{model.triangles.toLocaleString('en-GB')}</dd>
            <dt>Surface</dt>
            <dd>
              {(model.surfaceAreaMm2 / 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })}{' '}
              cm²
            </dd>
            <dt>Mesh</dt>
            <dd>
              {model.format}, {model.watertight ? 'watertight' : 'not watertight'}, {model.shells}{' '}
              shell{model.shells === 1 ? '' : 's'}
            </dd>
          </dl>
        ) : (
          <p className="muted">
            No model data: this work order was not ordered from a priced quote.
          </p>
        )}
      </section>
      <section aria-label="Quote">
        <h3>Quote</h3>
        {quote ? (
          <table className="breakdown">
            <tbody>
              {(
                [
                  ['Material', quote.materialCents],
                  ['Support', quote.supportCents],
                  ['Machine time', quote.machineTimeCents],
                  ['Setup', quote.setupCents],
                  ['Post-processing', quote.postProcessingCents],
                  ['Subtotal', quote.subtotalCents],
                  ['Quantity discount', -quote.quantityDiscountCents],
                  ['Lead time', quote.leadTimeAdjustmentCents],
                  ['Minimum price', quote.minimumPriceAdjustmentCents],
                ] as const
              ).map(([name, cents]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{money(cents, quote.currency)}</td>
                </tr>
              ))}
              <tr className="total">
                <th scope="row">Total</th>
                <td data-testid="quote-total">{money(quote.totalCents, quote.currency)}</td>
              </tr>
              <tr>
                <th scope="row">Per part</th>
                <td>{money(quote.unitPriceCents, quote.currency)}</td>
              </tr>
            </tbody>
          </table>
        ) : (
          <p className="muted">No price breakdown: no quote behind this work order.</p>
        )}
      </section>
    </>
  );
}
