import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';
import { placeOrder, registerCustomer, staffToken, waitForCrmStatus } from './support/journey';

describe('metrics and stuck-order detection (real processes)', () => {
  let sys: FabflowSystem;

  before(async () => {
    // A one-second SLA for orders awaiting confirmation, so an order becomes stuck in the test.
    sys = await FabflowSystem.start('obs', {
      env: { STUCK_ORDER_SLA: 'AWAITING_CONFIRMATION=1s,CONFIRMED=1h' },
    });
  });
  after(() => sys?.stop());

  it('counts requests per route pattern, method and status for RED dashboards', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    await placeOrder(shop);
    const missing = await shop.get('/orders/01890000-0000-7000-8000-000000000000');
    assert.equal(missing.status, 404);
    await sys.client('shop').get('/health/ready');

    const created = await sys.metric('shop', 'fabflow_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/orders',
      status_code: '201',
    });
    assert.equal(created, 1);
    // The route pattern, not the URL: one series for every order id.
    assert.equal(
      await sys.metric('shop', 'fabflow_http_request_duration_seconds_count', {
        route: '/orders/:id',
        status_code: '404',
      }),
      1,
    );
    const text = await (await fetch(`${sys.shop.url}/metrics`)).text();
    assert.doesNotMatch(text, /route="\/health/, 'probes are not product traffic');
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds\{service="shop-api"\} /m);
  });

  it('lists an order as stuck once it outlives its state SLA, and counts orders by status', async () => {
    const customer = await registerCustomer(sys);
    const orderId = await placeOrder(sys.client('shop', customer.token));
    const manager = await staffToken(sys, 'manager');
    const crm = sys.client('crm', manager);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');

    const stuck = await waitFor('the order to be listed as stuck', async () => {
      const res = await crm.get<{ items: Array<Record<string, unknown>> }>('/orders/stuck');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.find((o) => o.id === orderId);
    });
    assert.equal(stuck.status, 'AWAITING_CONFIRMATION');
    assert.equal(stuck.slaSeconds, 1);
    assert.ok(Number(stuck.stuckForSeconds) >= 1);
    assert.ok(
      (await sys.metric('crm', 'fabflow_stuck_orders', { status: 'AWAITING_CONFIRMATION' })) >= 1,
    );
    const awaiting = await sys.metric('crm', 'fabflow_orders', {
      status: 'AWAITING_CONFIRMATION',
    });
    assert.ok(awaiting >= 1);

    // Approved, it moves to a state with a one-hour SLA: no longer stuck.
    assert.equal((await crm.post(`/orders/${orderId}/approve`, {})).status, 200);
    const after = await crm.get<{ items: Array<{ id: string }> }>('/orders/stuck');
    assert.ok(!after.body.items.some((o) => o.id === orderId));
    assert.equal(
      await sys.metric('crm', 'fabflow_orders', { status: 'AWAITING_CONFIRMATION' }),
      awaiting - 1,
    );

    // Customers and operators may not see it.
    const operator = await staffToken(sys, 'operator');
    assert.equal((await sys.client('crm', operator).get('/orders/stuck')).status, 403);
  });
});
