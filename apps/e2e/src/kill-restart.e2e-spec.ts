import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';
import {
  placeOrder,
  produceAndShip,
  registerCustomer,
  staffToken,
  waitForCrmStatus,
  waitForShopStatus,
  waitForWorkOrder,
} from './support/journey';

/**
 * Each service is SIGKILLed in the middle of a journey and started again: the journey still
 * completes, and every effect exists exactly once (counted in the services' own databases).
 */
describe('killing a service mid-journey loses nothing', () => {
  let sys: FabflowSystem;
  let managerToken: string;
  let operatorToken: string;

  before(async () => {
    sys = await FabflowSystem.start('kill');
    [managerToken, operatorToken] = await Promise.all([
      staffToken(sys, 'manager'),
      staffToken(sys, 'operator'),
    ]);
  });
  after(() => sys?.stop());

  async function assertExactlyOnce(orderId: string): Promise<void> {
    const [crm] = await sys.query<{ n: number }>(
      'crm',
      'SELECT count(*)::int AS n FROM orders WHERE id = $1',
      [orderId],
    );
    const [mes] = await sys.query<{ n: number }>(
      'mes',
      'SELECT count(*)::int AS n FROM work_orders WHERE order_id = $1',
      [orderId],
    );
    const [timeline] = await sys.query<{ n: number; distinct: number }>(
      'crm',
      'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM order_timeline WHERE order_id = $1',
      [orderId],
    );
    const [shopHistory] = await sys.query<{ n: number }>(
      'shop',
      "SELECT count(*)::int AS n FROM order_status_history WHERE order_id = $1 AND status = 'SHIPPED'",
      [orderId],
    );
    assert.deepEqual(
      {
        crmOrders: crm!.n,
        workOrders: mes!.n,
        timelineDuplicates: timeline!.n - timeline!.distinct,
        shipped: shopHistory!.n,
      },
      { crmOrders: 1, workOrders: 1, timelineDuplicates: 0, shipped: 1 },
    );
  }

  it('the shop, killed right after accepting an order', async () => {
    const customer = await registerCustomer(sys);
    const orderId = await placeOrder(sys.client('shop', customer.token));
    await sys.shop.kill();
    await sys.shop.start();
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    await crm.post(`/orders/${orderId}/approve`, {});
    const mes = sys.client('mes', operatorToken);
    await produceAndShip(mes, (await waitForWorkOrder(mes, orderId)).id as string);
    await waitForShopStatus(sys.client('shop', customer.token), orderId, 'SHIPPED');
    await assertExactlyOnce(orderId);
  });

  it('the CRM, killed while an order is on its way to it', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    await sys.crm.kill();
    const orderId = await placeOrder(shop);
    // The event waits in the CRM's durable quorum queue while the CRM is down.
    await waitFor('the order event to leave the shop outbox', async () => {
      const [r] = await sys.query<{ n: number }>(
        'shop',
        'SELECT count(*)::int AS n FROM outbox WHERE subject = $1 AND published_at IS NULL',
        [orderId],
      );
      return r!.n === 0;
    });
    await sys.crm.start();
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    await crm.post(`/orders/${orderId}/approve`, {});
    const mes = sys.client('mes', operatorToken);
    await produceAndShip(mes, (await waitForWorkOrder(mes, orderId)).id as string);
    await waitForShopStatus(shop, orderId, 'SHIPPED');
    await assertExactlyOnce(orderId);
  });

  it('the MES, killed between approval and production, and again mid-production', async () => {
    const customer = await registerCustomer(sys);
    const shop = sys.client('shop', customer.token);
    const orderId = await placeOrder(shop);
    const crm = sys.client('crm', managerToken);
    await waitForCrmStatus(crm, orderId, 'AWAITING_CONFIRMATION');
    await sys.mes.kill();
    await crm.post(`/orders/${orderId}/approve`, {});
    await sys.mes.start();
    const mes = sys.client('mes', operatorToken);
    const wo = await waitForWorkOrder(mes, orderId);
    const id = wo.id as string;
    assert.equal((await mes.post(`/work-orders/${id}/claim`)).status, 200);
    assert.equal(
      (await mes.post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION' })).status,
      200,
    );
    await sys.mes.kill();
    await sys.mes.start();
    for (const to of ['POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'SHIPPED']) {
      const res = await mes.post(`/work-orders/${id}/transitions`, { to });
      assert.equal(res.status, 200, `${to}: ${JSON.stringify(res.body)}`);
    }
    await waitForShopStatus(shop, orderId, 'SHIPPED');
    await waitForCrmStatus(crm, orderId, 'SHIPPED');
    await assertExactlyOnce(orderId);
  });

  it('a graceful stop (SIGTERM) exits 0', async () => {
    assert.equal(await sys.mes.stop(), 0);
    await sys.mes.start();
  });
});
