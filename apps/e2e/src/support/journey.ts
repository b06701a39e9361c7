import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { waitFor, type HttpClient } from '@fabflow/testing';
import { FabflowSystem, STAFF_PASSWORD } from './fabflow-system';
import { customerIdOf, readyQuote } from './quotes';

export const PRODUCTION_PATH = [
  'IN_PRODUCTION',
  'POST_PROCESSING',
  'QUALITY_CHECK',
  'PACKED',
  'SHIPPED',
] as const;

export async function registerCustomer(
  sys: FabflowSystem,
): Promise<{ id: string; token: string; email: string }> {
  const email = `c-${randomBytes(4).toString('hex')}@example.com`;
  const shop = sys.client('shop');
  const reg = await shop.post('/auth/register', {
    email,
    password: 'customer-password-1',
    name: 'Test Customer',
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const login = await shop.post('/auth/login', { email, password: 'customer-password-1' });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { id: reg.body.id as string, token: login.body.accessToken as string, email };
}

export async function staffToken(
  sys: FabflowSystem,
  who: 'manager' | 'operator' | 'admin',
): Promise<string> {
  const res = await sys
    .client('crm')
    .post('/auth/login', { email: `${who}@fabflow.local`, password: STAFF_PASSWORD });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.accessToken as string;
}

/** A new customer, the seeded manager and operator, each with a client of their service. */
export async function journeyClients(sys: FabflowSystem) {
  const [manager, operator, customer] = await Promise.all([
    staffToken(sys, 'manager'),
    staffToken(sys, 'operator'),
    registerCustomer(sys),
  ]);
  return {
    customer,
    shop: sys.client('shop', customer.token),
    crm: sys.client('crm', manager),
    mes: sys.client('mes', operator),
  };
}

/**
 * Places an order as the shop client's customer and returns its id: from `quoteId` when given,
 * else from a fresh READY quote of `quantity` parts (default 2; a bare number means that, as
 * before quotes) made by the `readyQuote` fixture (no pricing worker needed; tests of pricing
 * pass a quote from `pricedQuote`).
 */
export async function placeOrder(
  shop: HttpClient,
  options: { quoteId?: string; quantity?: number } | number = {},
): Promise<string> {
  const opts = typeof options === 'number' ? { quantity: options } : options;
  const quoteId =
    opts.quoteId ??
    (await readyQuote(FabflowSystem.of(shop), customerIdOf(shop), {
      quantity: opts.quantity ?? 2,
    }));
  const res = await shop.post('/orders', { quoteId });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

/** Polls an order (`GET /orders/:id`, shop or CRM) until it has `status`. */
function waitForOrderStatus(
  who: string,
  client: HttpClient,
  orderId: string,
  status: string,
  timeoutMs: number,
) {
  return waitFor(
    `${who} order ${orderId} to be ${status}`,
    async () => {
      const res = await client.get(`/orders/${orderId}`);
      return res.status === 200 && res.body.status === status ? res.body : undefined;
    },
    timeoutMs,
  );
}

export const waitForCrmStatus = (
  crm: HttpClient,
  orderId: string,
  status: string,
  timeoutMs = 20_000,
) => waitForOrderStatus('CRM', crm, orderId, status, timeoutMs);

export const waitForShopStatus = (
  shop: HttpClient,
  orderId: string,
  status: string,
  timeoutMs = 20_000,
) => waitForOrderStatus('shop', shop, orderId, status, timeoutMs);

export function waitForWorkOrder(mes: HttpClient, orderId: string, timeoutMs = 20_000) {
  return waitFor(
    `work order of ${orderId}`,
    async () => {
      const res = await mes.get<{ items: Array<Record<string, unknown>> }>(
        `/work-orders?orderId=${orderId}`,
      );
      return res.status === 200 ? res.body.items[0] : undefined;
    },
    timeoutMs,
  );
}

/** Claims the work order and moves it through production to SHIPPED. */
export async function produceAndShip(mes: HttpClient, workOrderId: string): Promise<void> {
  const claim = await mes.post(`/work-orders/${workOrderId}/claim`);
  assert.equal(claim.status, 200, JSON.stringify(claim.body));
  for (const to of PRODUCTION_PATH) {
    const res = await mes.post(`/work-orders/${workOrderId}/transitions`, { to });
    assert.equal(res.status, 200, `→ ${to}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.status, to);
  }
}
