import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import {
  ALL_SUBSCRIPTION_QUEUES,
  OrderPlaced,
  SUBSCRIPTION_QUEUES,
  WorkOrderCreated,
  type DlqMessageDetail,
  type DlqQueueSummary,
  type DlqReplayResult,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { declareSubscription, dlqName, envelopeHeaders, publishOptions } from '@fabflow/messaging';
import { createTestVhost, serviceMain, type TestVhost } from '@fabflow/testing';

const QUEUE = SUBSCRIPTION_QUEUES.crm.orders;
const DLQ = dlqName(QUEUE);
const CLI = serviceMain('dlq-cli');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('dlq CLI against the broker (real RabbitMQ, built CLI as a child process)', () => {
  let vhost: TestVhost;
  let conn: ChannelModel;
  const invalid = [uuidv7(), uuidv7()];
  const failed = uuidv7();

  const cli = (...args: string[]) =>
    new Promise<CliRun>((resolve, reject) => {
      // Only the broker URL: the CLI needs nothing else from the environment.
      const child = spawn(process.execPath, [CLI, ...args], { env: { AMQP_URLS: vhost.url } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = async <T>(...args: string[]): Promise<T> => {
    const run = await cli(...args, '--json');
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as T;
  };
  const depth = async (queue: string) => {
    const ch = await conn.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  };
  /** A message as the consumer leaves it in the DLQ. */
  const deadLetter = (
    ch: amqp.ConfirmChannel,
    id: string,
    type: string,
    body: unknown,
    failure: Record<string, unknown>,
  ) => {
    const ce = envelopeHeaders({
      id,
      type,
      source: 'fabflow/shop',
      subject: id,
      time: new Date().toISOString(),
      version: 1,
    });
    ch.publish('', DLQ, Buffer.from(JSON.stringify(body)), {
      ...publishOptions(ce),
      headers: {
        ...ce,
        'x-original-exchange': 'shop.events',
        'x-original-routing-key': 'order.placed',
        'x-dead-lettered-at': new Date().toISOString(),
        ...failure,
      },
    });
  };

  before(async () => {
    vhost = await createTestVhost('dlqcli');
    conn = await amqp.connect(vhost.url);
    const ch = await conn.createConfirmChannel();
    await declareSubscription(ch, {
      queue: QUEUE,
      bindings: [{ exchange: OrderPlaced.exchange, routingKey: OrderPlaced.routingKey }],
      retryDelaysMs: [100],
    });
    for (const id of invalid) {
      deadLetter(
        ch,
        id,
        OrderPlaced.type,
        { orderId: 'nope' },
        {
          'x-dlq-reason': 'schema-invalid',
          'x-error': 'orderId: Invalid UUID',
          'x-attempts': 1,
        },
      );
    }
    deadLetter(
      ch,
      failed,
      WorkOrderCreated.type,
      { workOrderId: failed },
      {
        'x-dlq-reason': 'handler-failed',
        'x-error': 'order not found',
        'x-attempts': 4,
        'x-retry-count': 3,
      },
    );
    await ch.waitForConfirms();
    await ch.close();
  });

  after(async () => {
    await conn?.close();
    await vhost?.drop();
  });

  it('lists every subscription queue with its DLQ grouped by error', async () => {
    const summary = await json<DlqQueueSummary[]>('list');
    assert.deepEqual(
      summary.map((q) => q.queue),
      [...ALL_SUBSCRIPTION_QUEUES],
    );
    const crm = summary.find((q) => q.queue === QUEUE)!;
    assert.equal(crm.depth, 3);
    assert.deepEqual(
      crm.groups.map((g) => [g.reason, g.error, g.count]),
      [
        ['schema-invalid', 'orderId: Invalid UUID', 2],
        ['handler-failed', 'order not found', 1],
      ],
    );
    assert.equal(summary.find((q) => q.queue === 'mes.orders')?.exists, false);

    const human = await cli('list', '--queue', QUEUE);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /crm\.orders\.dlq\s+3/);
    assert.match(human.stdout, /2\s+schema-invalid\s+fabflow\.shop\.order\.placed\.v1/);
    assert.equal(await depth(DLQ), 3, 'listing took nothing out');
  });

  it('lists messages by type and shows one with its headers and body', async () => {
    const messages = await cli('messages', QUEUE, '--type', WorkOrderCreated.type);
    assert.equal(messages.code, 0, messages.stderr);
    assert.match(messages.stdout, new RegExp(`${failed}.*handler-failed.*order not found`));
    assert.doesNotMatch(messages.stdout, new RegExp(invalid[0]!));

    const shown = await json<DlqMessageDetail>('show', QUEUE, failed);
    assert.equal(shown.id, failed);
    assert.equal(shown.headers['x-error'], 'order not found');
    assert.deepEqual(shown.body, { encoding: 'json', value: { workOrderId: failed } });
    const missing = await cli('show', QUEUE, uuidv7());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /is not in crm\.orders\.dlq/);
  });

  it('replays by id onto the main queue with the same message id and a fresh retry count', async () => {
    const result = await json<DlqReplayResult>('replay', QUEUE, '--id', failed, '--rate', '10');
    assert.equal(result.replayed, 1);
    assert.equal(result.remaining, 2);
    const ch = await conn.createChannel();
    const msg = await ch.get(QUEUE, { noAck: false });
    assert.ok(msg, 'the replayed message is on the main queue');
    ch.ack(msg);
    await ch.close();
    const headers = msg.properties.headers ?? {};
    assert.equal(msg.properties.messageId, failed);
    assert.equal(headers['ce-id'], failed);
    assert.equal(headers['x-retry-count'], undefined);
    assert.equal(headers['x-dlq-reason'], undefined);
    assert.equal(headers['x-replayed-reason'], 'handler-failed');
    assert.equal(headers['x-replay-count'], 1);
    assert.equal(typeof headers['x-replayed-at'], 'string');
    assert.deepEqual(JSON.parse(msg.content.toString()), { workOrderId: failed });
  });

  it('purges only with the queue name as confirmation', async () => {
    const wrong = await cli('purge', QUEUE, '--confirm', 'crm');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /confirm must be the queue name "crm\.orders"/);
    assert.equal(await depth(DLQ), 2);
    const purged = await cli('purge', QUEUE, '--confirm', QUEUE);
    assert.equal(purged.code, 0, purged.stderr);
    assert.match(purged.stdout, /purged 2 message\(s\) from crm\.orders\.dlq/);
    assert.equal(await depth(DLQ), 0);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    for (const args of [[], ['replay', QUEUE], ['show', 'nope.queue', 'x'], ['list', '--bad']]) {
      const run = await cli(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage: npm run -s dlq/);
    }
  });
});
