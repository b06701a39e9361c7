import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { registerCustomer, staffToken } from '../support/journey';
import {
  assertDlqsEmpty,
  assertExactlyOnce,
  auditDelivery,
  OrderStream,
} from '../support/order-stream';

/**
 * Fault test 3: consuming services are SIGKILLed while deliveries are being handled. Whatever
 * was handled but not yet acked is redelivered after the restart and absorbed by the inbox;
 * whatever was mid-transaction rolls back and is handled again. Nothing is lost or doubled.
 */
describe('consumer crash: SIGKILL a consuming service mid-stream', () => {
  let sys: FabflowSystem;

  before(async () => {
    sys = await FabflowSystem.start('crash', { env: { AMQP_PREFETCH: '50' } });
  });
  after(() => sys?.stop());

  it('loses nothing and applies nothing twice when the CRM and then the MES are killed while handling', async (t) => {
    const customer = await registerCustomer(sys);
    const manager = await staffToken(sys, 'manager');
    const stream = new OrderStream(sys, customer, 40);
    await stream.start();
    t.after(() => stream.abort());
    const crmHandled = async () =>
      (await sys.query<{ n: number }>('crm', 'SELECT count(*)::int AS n FROM inbox'))[0]!.n;
    for (const round of [1, 2]) {
      const before = await crmHandled();
      // Kill once the CRM is busy: it has handled more since the last round and more are coming.
      await waitFor(
        `CRM handling (round ${round})`,
        async () => (await crmHandled()) >= before + 15,
      );
      await sys.crm.kill();
      await new Promise((r) => setTimeout(r, 500));
      await sys.crm.start();
    }
    await stream.stop();
    const crmRedelivered = await sys.metric('crm', 'fabflow_consumer_messages_total', {
      outcome: 'duplicate',
    });

    let mesKilled = false;
    const audit = await auditDelivery(
      sys,
      manager,
      stream.accepted.map((o) => o.id),
      {
        onApproved: async (approved, total) => {
          if (mesKilled || approved < total / 2) return;
          mesKilled = true;
          await sys.mes.kill();
          await sys.mes.start();
        },
      },
    );
    console.log(
      `consumer crash: ${audit.accepted} orders accepted, CRM killed twice, MES once; ` +
        `inbox duplicates seen by the last CRM: ${crmRedelivered}; audit ${JSON.stringify(audit)}`,
    );
    assert.ok(mesKilled, 'the MES was killed during approvals');
    assertExactlyOnce(audit);
    await assertDlqsEmpty(sys);
  });
});
