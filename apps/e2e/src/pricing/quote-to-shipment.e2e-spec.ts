import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, SseClient } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import {
  journeyClients,
  placeOrder,
  produceAndShip,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from '../support/journey';
import { pricedQuote, type Quote } from '../support/quotes';

/*
 * The whole product path with nothing standing in: a customer uploads real model files through
 * the shop's presigned URLs into the embedded S3 server, the MES queues the pricing job, the
 * pricing worker prices it in a worker thread, the shop shows the READY quote, the customer
 * orders it, the manager approves, and the operator sees the model and its price on the work
 * order and ships it.
 */
describe('quote to shipment: upload, real pricing, order, production (all processes, worker, S3)', () => {
  let sys: FabflowSystem;
  const f = pricingEngineFixtures();

  before(async () => {
    sys = await FabflowSystem.start('q2s', { pricing: true });
  });
  after(async () => {
    await sys?.stop();
  });

  it('prices an STL torus and a 3MF sphere uploaded through presigned URLs: volume within 0.1% of the analytic one', async () => {
    const { shop } = await journeyClients(sys);
    const R = 30;
    const r = 10;
    const cases = [
      {
        filename: 'torus.stl',
        model: Buffer.from(f.toBinaryStl(f.torus(R, r, 256, 128))),
        format: 'STL_BINARY',
        analytic: 2 * Math.PI ** 2 * R * r * r,
      },
      {
        filename: 'sphere.3mf',
        model: Buffer.from(f.to3mf(f.uvSphere(20, 256, 128))),
        format: '3MF',
        analytic: (4 / 3) * Math.PI * 20 ** 3,
      },
    ];
    for (const c of cases) {
      const quote = await pricedQuote(shop, { model: c.model, filename: c.filename, quantity: 3 });
      const model = quote.model!;
      const error = Math.abs(model.volumeMm3 / c.analytic - 1);
      console.log(
        `${c.filename}: ${model.triangles} triangles, volume ${model.volumeMm3.toFixed(1)} mm³ vs analytic ${c.analytic.toFixed(1)} (error ${(error * 100).toFixed(4)} %), total ${quote.price!.totalCents} ${quote.price!.currency} cents`,
      );
      assert.equal(model.format, c.format);
      assert.ok(error < 0.001, `${c.filename}: volume error ${error}`);
      assert.equal(model.watertight, true);
      const p = quote.price!;
      assert.equal(
        p.subtotalCents,
        p.materialCents +
          p.supportCents +
          p.machineTimeCents +
          p.setupCents +
          p.postProcessingCents,
      );
      assert.equal(
        p.totalCents,
        p.subtotalCents -
          p.quantityDiscountCents +
          p.leadTimeAdjustmentCents +
          p.minimumPriceAdjustmentCents,
      );
      assert.ok(p.totalCents > 0);
      assert.equal(quote.priceMode, 'INDICATIVE');
      assert.equal(quote.progress.overall, 1);
    }
  });

  it('takes a priced quote through order, approval and production to SHIPPED, with the model and price on the work order', async () => {
    const { shop, crm, mes } = await journeyClients(sys);
    const cube = Buffer.from(f.toBinaryStl(f.torus(25, 8, 96, 48)));
    const quote: Quote = await pricedQuote(shop, {
      model: cube,
      filename: 'ring.stl',
      quantity: 4,
    });

    // The quote's stream of a finished calculation: its final state, then the end.
    const stream = await SseClient.open(`${sys.shop.url}/quotes/${quote.id}/events`, {
      authorization: `Bearer ${shop.token!}`,
    });
    assert.equal(stream.status, 200);
    const first = await stream.nextEvent();
    assert.equal((JSON.parse(first!.data!) as Quote).status, 'READY');
    assert.equal(await stream.nextEvent(), undefined, 'the stream of a priced quote ends');

    const orderId = await placeOrder(shop, { quoteId: quote.id });
    const order = await shop.get(`/orders/${orderId}`);
    assert.equal(order.body.totalCents, quote.price!.totalCents);
    assert.equal((await shop.get<Quote>(`/quotes/${quote.id}`)).body.status, 'ACCEPTED');
    const again = await shop.post('/orders', { quoteId: quote.id });
    assert.equal(again.status, 409, 'a quote is ordered once');

    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    assert.equal((await crm.post(`/orders/${orderId}/approve`, { priority: 'RUSH' })).status, 200);
    const wo = await waitForWorkOrder(mes, orderId);
    const detail = await mes.get(`/work-orders/${wo.id as string}`);
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.equal(detail.body.quoteId, quote.id);
    // The engine's pick of machine for a PLA part: an FDM printer of the fleet.
    assert.match(String(detail.body.machineId), /^fdm-/);
    assert.deepEqual(detail.body.model, quote.model);
    assert.deepEqual(detail.body.quote, quote.price);

    await produceAndShip(mes, wo.id as string);
    await waitForShopStatus(shop, orderId, 'SHIPPED');
    const rows = await sys.query<{ n: string }>(
      'mes',
      'SELECT count(*) AS n FROM pricing_jobs WHERE quote_id = $1',
      [quote.id],
    );
    assert.equal(Number(rows[0]!.n), 1);
  });
});
