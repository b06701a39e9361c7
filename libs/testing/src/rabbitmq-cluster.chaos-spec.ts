import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { RabbitCluster, type ClusterVhost } from './rabbitmq-cluster';
import { waitFor } from './wait-for';

const QUEUE = 'chaos.orders';
const COUNT = 100;

describe('RabbitMQ 3-node cluster under faults', { timeout: 300_000 }, () => {
  let cluster: RabbitCluster;
  let vhost: ClusterVhost;

  before(async () => {
    cluster = await RabbitCluster.start();
    vhost = await cluster.createVhost('chaos');
  });

  after(async () => {
    await vhost?.drop();
    // The last user of the cluster: leave no broker nodes running behind the test run.
    await cluster?.stopAll();
  });

  it('keeps every confirmed message when the leader is killed and restarted', async (t) => {
    assert.equal(cluster.urls.length, 3);
    const [url1] = vhost.urls;
    assert.ok(url1);

    const publisher = await amqp.connect(url1);
    const pub = await publisher.createConfirmChannel();
    await pub.assertQueue(QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 0; i < COUNT; i++) {
      pub.sendToQueue(QUEUE, Buffer.from(String(i)), { persistent: true, messageId: `m${i}` });
    }
    await pub.waitForConfirms();
    await pub.close();
    await publisher.close();

    const leader = await cluster.queueLeader(vhost.vhost, QUEUE);
    let started = Date.now();
    await cluster.killNode(leader);
    t.diagnostic(`killed leader ${leader} in ${Date.now() - started} ms`);

    started = Date.now();
    const newLeader = await waitFor(
      'a new quorum queue leader',
      async () => {
        const l = await cluster.queueLeader(vhost.vhost, QUEUE).catch(() => undefined);
        return l !== undefined && l !== leader && l;
      },
      60_000,
      200,
    );
    t.diagnostic(`new leader ${newLeader} after ${Date.now() - started} ms`);

    started = Date.now();
    await cluster.startNode(leader);
    t.diagnostic(`${leader} restarted and back in the cluster in ${Date.now() - started} ms`);

    const survivor = vhost.urls.find((u) => cluster.nodeFor(u).name !== leader);
    assert.ok(survivor);
    const consumer = await amqp.connect(survivor);
    const ch = await consumer.createChannel();
    await ch.prefetch(COUNT);
    const seen = new Set<string>();
    let redelivered = 0;
    const { consumerTag } = await ch.consume(QUEUE, (msg) => {
      if (!msg) return;
      seen.add(msg.content.toString());
      if (msg.fields.redelivered) redelivered++;
      ch.ack(msg);
    });
    await waitFor(
      `${COUNT} messages from ${cluster.nodeFor(survivor).name}`,
      () => {
        return seen.size >= COUNT;
      },
      30_000,
    );
    await ch.cancel(consumerTag);
    // Quorum queues: close the channel (settling the acks) before the connection.
    await ch.close();
    await consumer.close();

    assert.equal(redelivered, 0);
    assert.deepEqual(
      [...seen].map(Number).sort((a, b) => a - b),
      Array.from({ length: COUNT }, (_, i) => i),
    );
    t.diagnostic(`consumed ${seen.size} messages from ${cluster.nodeFor(survivor).name}`);
  });

  it('keeps durable queues and persistent messages over a whole-cluster stop and start', async (t) => {
    const queue = 'chaos.restart';
    const publisher = await amqp.connect(vhost.urls[1] ?? '');
    const pub = await publisher.createConfirmChannel();
    await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 0; i < 10; i++)
      pub.sendToQueue(queue, Buffer.from(String(i)), { persistent: true });
    await pub.waitForConfirms();
    await pub.close();
    await publisher.close();

    let started = Date.now();
    await cluster.stopAll();
    t.diagnostic(`cluster stopped in ${Date.now() - started} ms`);
    started = Date.now();
    await cluster.startAll();
    t.diagnostic(`cluster started again in ${Date.now() - started} ms`);

    const consumer = await amqp.connect(vhost.urls[2] ?? '');
    const ch = await consumer.createChannel();
    const { messageCount } = await ch.checkQueue(queue);
    assert.equal(messageCount, 10);
    const got: string[] = [];
    for (;;) {
      const msg = await ch.get(queue, { noAck: false });
      if (!msg) break;
      got.push(msg.content.toString());
      ch.ack(msg);
    }
    await ch.close();
    await consumer.close();
    assert.deepEqual(
      got.map(Number).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });
});
