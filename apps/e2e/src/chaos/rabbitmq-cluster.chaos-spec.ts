import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RabbitCluster, waitFor } from '@fabflow/testing';
import { FabflowSystem } from '../support/fabflow-system';
import { registerCustomer, staffToken } from '../support/journey';
import {
  assertDlqsEmpty,
  assertExactlyOnce,
  auditDelivery,
  OrderStream,
} from '../support/order-stream';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest pause between consecutive timestamps after `from` (how long a flow stalled). */
function longestGap(times: Date[], from: number): number {
  const ms = times.map((t) => t.getTime()).filter((t) => t >= from - 1000);
  let gap = 0;
  for (let i = 1; i < ms.length; i++) gap = Math.max(gap, ms[i]! - ms[i - 1]!);
  return gap;
}

/**
 * Fault tests 1 and 2, on a 3-node RabbitMQ cluster of the test's own (libs/testing/scripts/rabbitmq-cluster.sh)
 * with the services given all three node URLs.
 */
describe('RabbitMQ faults on a 3-node cluster', () => {
  let cluster: RabbitCluster;

  before(async () => {
    cluster = await RabbitCluster.start();
  });
  after(async () => {
    await cluster?.stopAll();
  });

  async function system(label: string): Promise<FabflowSystem> {
    const vhost = await cluster.createVhost(label);
    return FabflowSystem.start(label, { amqp: { url: vhost.urls.join(','), drop: vhost.drop } });
  }

  it('broker down: orders keep being accepted; when it returns the backlog drains, each order exactly once', async (t) => {
    const sys = await system('brokerdown');
    t.after(() => sys.stop());
    const customer = await registerCustomer(sys);
    const manager = await staffToken(sys, 'manager');
    const stream = new OrderStream(sys, customer, 20);
    await stream.start();
    t.after(() => stream.abort());
    await sleep(1500);

    await cluster.stopAll();
    const down = Date.now();
    await sleep(4000);
    const acceptedWhileDown = stream.acceptedSince(down);
    const backlog = await sys.metric('shop', 'fabflow_outbox_backlog');
    await cluster.startAll();
    const up = Date.now();
    await sleep(1500);
    await stream.stop();

    const ids = stream.accepted.map((o) => o.id);
    await waitFor(
      'the CRM to catch up',
      async () =>
        (
          await sys.query<{ n: number }>(
            'crm',
            'SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[])',
            [ids],
          )
        )[0]!.n === ids.length,
      120_000,
    );
    const drainedMs = Date.now() - up;
    const audit = await auditDelivery(sys, manager, ids);
    console.log(
      `broker down: ${acceptedWhileDown} orders accepted while all 3 nodes were down ` +
        `(shop outbox backlog ${backlog}); backlog drained into the CRM ${drainedMs} ms after ` +
        `the cluster was back; audit ${JSON.stringify(audit)}`,
    );
    assert.ok(
      acceptedWhileDown >= 40,
      `orders accepted while the broker was down: ${acceptedWhileDown}`,
    );
    assert.ok(backlog > 0, 'the outbox held the events while the broker was down');
    assertExactlyOnce(audit);
    await assertDlqsEmpty(sys);
  });

  it('node loss: SIGKILL the node leading the queues under a steady stream; lost = 0, duplicate effects = 0', async (t) => {
    const sys = await system('nodeloss');
    t.after(() => sys.stop());
    const customer = await registerCustomer(sys);
    const manager = await staffToken(sys, 'manager');
    const stream = new OrderStream(sys, customer, 30);
    await stream.start();
    t.after(() => stream.abort());
    await sleep(2000);

    const leader = await cluster.queueLeader(sys.vhostName, 'crm.orders');
    const killedAt = Date.now();
    await cluster.killNode(leader);
    await sleep(6000);
    await stream.stop();
    const ids = stream.accepted.map((o) => o.id);
    const audit = await auditDelivery(sys, manager, ids);

    const published = (
      await sys.query<{ t: Date }>(
        'shop',
        "SELECT published_at AS t FROM outbox WHERE type LIKE '%order.placed%' AND published_at IS NOT NULL ORDER BY published_at",
      )
    ).map((r) => r.t);
    const consumed = (
      await sys.query<{ t: Date }>(
        'crm',
        "SELECT received_at AS t FROM inbox WHERE consumer = 'crm.orders' ORDER BY received_at",
      )
    ).map((r) => r.t);
    let inboxConflicts = 0;
    for (const svc of ['shop', 'crm', 'mes'] as const)
      inboxConflicts += await sys.metric(svc, 'fabflow_consumer_messages_total', {
        outcome: 'duplicate',
      });
    console.log(
      `node loss: killed ${leader} (leader of crm.orders) under 30 orders/s; ` +
        `${audit.accepted} orders accepted; publishing stalled at most ${longestGap(published, killedAt)} ms, ` +
        `consuming at most ${longestGap(consumed, killedAt)} ms; inbox conflicts (duplicate deliveries absorbed) ` +
        `${inboxConflicts}; audit ${JSON.stringify(audit)}`,
    );
    await cluster.startNode(leader);
    assertExactlyOnce(audit);
    await assertDlqsEmpty(sys);
  });
});
