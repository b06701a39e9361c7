import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { binaryStlCube, SseClient, type HttpClient } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';
import {
  journeyClients,
  placeOrder,
  registerCustomer,
  waitForCrmStatus,
  waitForWorkOrder,
} from './support/journey';
import { PricingDouble } from './support/pricing-double';
import { uploadModel, waitForQuote, type Quote } from './support/quotes';

/*
 * Quotes across the real services: a customer uploads a model to S3, asks for a quote, follows
 * it and orders it; the CRM and the MES see the order's quote. The pricing worker is not part
 * of this test (its own journeys run it, with `pricing: true`): a double publishes the MES's
 * price list and pricing events as the MES's relay would.
 */
describe('quotes: upload, quote, progress and order across shop, CRM and MES (real processes, S3)', () => {
  let sys: FabflowSystem;
  let pricing: PricingDouble;

  before(async () => {
    sys = await FabflowSystem.start('quotes');
    pricing = await PricingDouble.start(sys);
  });
  after(async () => {
    await pricing?.close();
    await sys?.stop();
  });

  const requestQuote = (shop: HttpClient, body: Record<string, unknown>) =>
    shop.post<Record<string, unknown> & { detail: string; quoteId: string }>('/quotes', body);

  it('uploads a model, prices it with progress on the event stream, and orders it; the CRM and the MES know the quote', async () => {
    const { customer, shop, crm, mes } = await journeyClients(sys);
    const file = await uploadModel(shop, binaryStlCube(25), { filename: 'housing.stl' });
    assert.deepEqual([file.status, file.format], ['READY', 'STL_BINARY']);

    const materials = await sys.client('shop').get<{ items: Array<{ id: string }> }>('/materials');
    assert.ok(materials.body.items.some((m) => m.id === 'petg-clear'));
    const accepted = await requestQuote(shop, {
      fileId: file.id,
      materialId: 'petg-clear',
      quantity: 3,
      leadTime: 'EXPRESS',
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const quoteId = accepted.body.quoteId;
    const request = await pricing.requestOf(quoteId);
    assert.deepEqual(
      [request.customerId, request.file.fileId, request.file.sha256, request.file.key],
      [customer.id, file.id, file.sha256, `models/${customer.id}/${file.id}`],
    );

    const events = await SseClient.open(`${sys.shop.url}${accepted.body.eventsUrl as string}`, {
      authorization: `Bearer ${customer.token}`,
    });
    assert.equal(events.status, 200);
    const statusOf = async () => JSON.parse((await events.nextEvent())!.data!) as Quote;
    assert.equal((await statusOf()).status, 'CALCULATING');
    await pricing.progress(quoteId, 'orientation', 0.5);
    assert.equal((await statusOf()).progress.stage, 'orientation');
    await pricing.price(quoteId, { unitPriceCents: 1840 });
    const ready = await statusOf();
    assert.equal(ready.status, 'READY');
    assert.equal(ready.price?.totalCents, 3 * 1840);
    assert.equal(await events.next(), undefined, 'the stream ended with the result');

    const orderId = await placeOrder(shop, { quoteId });
    const order = await shop.get<{ lines: Array<Record<string, unknown>>; totalCents: number }>(
      `/orders/${orderId}`,
    );
    assert.deepEqual(
      order.body.lines.map((l) => [l.quoteId, l.name, l.material, l.quantity, l.totalCents]),
      [[quoteId, 'housing.stl', 'petg-clear', 3, 5520]],
    );
    assert.equal(order.body.totalCents, 5520);
    assert.equal((await waitForQuote(shop, quoteId)).status, 'ACCEPTED');
    const inCrm = await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    const crmLines = inCrm.lines as Array<{ quoteId: string; name: string }>;
    assert.deepEqual(
      [crmLines.map((l) => [l.quoteId, l.name]), inCrm.totalCents],
      [[[quoteId, 'housing.stl']], 5520],
    );
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);
    const wo = await waitForWorkOrder(mes, orderId);
    assert.deepEqual([wo.material, wo.quantity, wo.sku], ['petg-clear', 3, 'housing.stl']);
    const [row] = await sys.query<{ quote_id: string }>(
      'mes',
      'SELECT quote_id FROM work_orders WHERE order_id = $1',
      [orderId],
    );
    assert.equal(row?.quote_id, quoteId);
  });

  it('answers bad uploads, quotes and orders with a clear 4xx and writes nothing', async () => {
    const [alice, bob] = await Promise.all([registerCustomer(sys), registerCustomer(sys)]);
    const shop = sys.client('shop', alice.token);
    const asBob = sys.client('shop', bob.token);
    const file = await uploadModel(shop);
    const bobsFile = await uploadModel(asBob);
    const calculating = await requestQuote(shop, {
      fileId: file.id,
      materialId: 'pla-black',
      quantity: 1,
    });
    assert.equal(calculating.status, 202);
    const calculatingId = calculating.body.quoteId;
    const bobsQuote = await requestQuote(asBob, {
      fileId: bobsFile.id,
      materialId: 'pla-black',
      quantity: 1,
    });
    assert.equal(bobsQuote.status, 202);

    const counts = async () => {
      const [r] = await sys.query<Record<string, number>>(
        'shop',
        `SELECT (SELECT count(*)::int FROM model_files) AS files,
                (SELECT count(*)::int FROM quotes) AS quotes,
                (SELECT count(*)::int FROM orders) AS orders,
                (SELECT count(*)::int FROM outbox) AS events`,
      );
      return r;
    };
    const before = await counts();
    const ok = { fileId: file.id, materialId: 'pla-black', quantity: 1 };
    const cases: Array<[string, string, Record<string, unknown>, number, RegExp]> = [
      [
        'POST',
        '/quotes',
        { ...ok, materialId: 'unobtainium' },
        422,
        /unknown material "unobtainium"; valid materials: pla-black, petg-clear/,
      ],
      ['POST', '/quotes', { ...ok, fileId: 'not-a-file' }, 400, /fileId: must be a UUID/],
      [
        'POST',
        '/quotes',
        { ...ok, fileId: '01890000-0000-7000-8000-000000000000' },
        404,
        /upload .* not found/,
      ],
      ['POST', '/quotes', { ...ok, fileId: bobsFile.id }, 404, /upload .* not found/],
      ['POST', '/quotes', { ...ok, quantity: 0 }, 400, /quantity/],
      ['POST', '/quotes', { ...ok, discount: 50 }, 400, /unknown field\(s\): discount/],
      [
        'POST',
        '/uploads',
        { filename: 'a.stl', sizeBytes: 100, path: '/etc' },
        400,
        /unknown field\(s\): path/,
      ],
      [
        'POST',
        '/uploads',
        { filename: 'model.obj', sizeBytes: 100 },
        400,
        /must end in \.stl or \.3mf/,
      ],
      [
        'POST',
        '/uploads',
        { filename: 'huge.stl', sizeBytes: 10 * 1024 ** 3 },
        413,
        /the largest model file is/,
      ],
      ['POST', `/uploads/${bobsFile.id}/complete`, {}, 404, /not found/],
      ['POST', '/orders', { quoteId: bobsQuote.body.quoteId }, 404, /quote .* not found/],
      [
        'POST',
        '/orders',
        { quoteId: calculatingId },
        409,
        /is still being calculated: order it once it is READY/,
      ],
      [
        'POST',
        '/orders',
        { quoteId: calculatingId, quantity: 5 },
        400,
        /unknown field\(s\): quantity/,
      ],
    ];
    for (const [method, path, body, status, detail] of cases) {
      const res = await shop.request<{ detail: string }>(method, path, body);
      assert.equal(
        res.status,
        status,
        `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`,
      );
      assert.match(res.body.detail, detail);
    }
    assert.equal((await shop.get(`/quotes/${bobsQuote.body.quoteId}`)).status, 404);
    assert.equal((await shop.get(`/uploads/${bobsFile.id}`)).status, 404);
    const stream = await SseClient.open(`${sys.shop.url}/quotes/${bobsQuote.body.quoteId}/events`, {
      authorization: `Bearer ${alice.token}`,
    });
    assert.equal(stream.status, 404);
    assert.deepEqual(await counts(), before);
    assert.equal((await shop.get(`/quotes/${calculatingId}`)).body.status, 'CALCULATING');
  });
});
