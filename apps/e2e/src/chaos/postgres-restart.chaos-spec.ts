import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrivatePostgres, waitFor } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { registerCustomer, staffToken } from '../support/journey';
import {
  assertDlqsEmpty,
  assertExactlyOnce,
  auditDelivery,
  OrderStream,
} from '../support/order-stream';

/**
 * Fault test 6: the Postgres server under all three services restarts twice in the middle of
 * an order stream (once cleanly, once as a crash). No service is restarted: each reconnects by
 * itself. Requests during the outage get 503 + Retry-After and the client retries with its
 * Idempotency-Key; deliveries wait the outage out instead of burning retries.
 */
describe('Postgres restart mid-stream', () => {
  let pgsql: PrivatePostgres;
  let sys: FabflowSystem;

  before(async () => {
    pgsql = await PrivatePostgres.start();
    sys = await FabflowSystem.start('pgrestart', { pgUrl: pgsql.url });
  });
  after(async () => {
    await sys?.stop();
    await pgsql?.destroy();
  });

  it('every service reconnects by itself and every accepted order arrives exactly once', async (t) => {
    const customer = await registerCustomer(sys);
    const manager = await staffToken(sys, 'manager');
    const stream = new OrderStream(sys, customer, 25);
    await stream.start();
    t.after(() => stream.abort());
    const outages: number[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      await new Promise((r) => setTimeout(r, 2000));
      const t0 = Date.now();
      await pgsql.restart(mode);
      const accepted = stream.accepted.length;
      await waitFor('orders accepted again', () => stream.accepted.length > accepted + 5, 30_000);
      outages.push(Date.now() - t0);
    }
    await new Promise((r) => setTimeout(r, 1000));
    await stream.stop();
    for (const svc of [sys.shop, sys.crm, sys.mes]) await svc.waitReady(30_000);

    const audit = await auditDelivery(
      sys,
      manager,
      stream.accepted.map((o) => o.id),
    );
    console.log(
      `postgres restart: ${audit.accepted} orders accepted, ${stream.retries} POST retries, ` +
        `restart→orders flowing again ${outages.join(' ms, ')} ms; audit ${JSON.stringify(audit)}`,
    );
    assert.ok(stream.retries > 0, 'the restarts were felt by the clients (503s, then retries)');
    assertExactlyOnce(audit);
    await assertDlqsEmpty(sys);
  });
});
