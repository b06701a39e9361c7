import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import {
  OrderPlaced,
  SUBSCRIPTION_QUEUES,
  type DlqMessageDetail,
  type DlqMessageList,
  type DlqQueueSummary,
  type DlqReplayResult,
  type Problem,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { dlqName, envelopeHeaders, publishOptions } from '@fabflow/messaging';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  HttpClient,
  ServiceProcess,
  testDatabaseUrl,
  testEnv,
  uniqueName,
  waitFor,
  type TestVhost,
} from '@fabflow/testing';
import { DEV_STAFF } from '../staff/staff.seed';

const PASSWORD = 'dlq-api-staff-password';
const QUEUE = SUBSCRIPTION_QUEUES.crm.orders;

const staffEmail = (role: 'admin' | 'manager') => DEV_STAFF.find((s) => s.role === role)!.email;

describe('crm-api admin DLQ API (real process, RabbitMQ and Postgres)', () => {
  let vhost: TestVhost;
  let database: string;
  let crm: ServiceProcess;
  let conn: ChannelModel;
  let anonymous: HttpClient;
  let admin: HttpClient;
  let manager: HttpClient;
  const poisonId = uuidv7();

  const login = async (role: 'admin' | 'manager') => {
    const res = await anonymous.post<{ accessToken: string }>('/auth/login', {
      email: staffEmail(role),
      password: PASSWORD,
    });
    assert.equal(res.status, 200);
    return anonymous.withToken(res.body.accessToken);
  };
  const crmOrders = async () => {
    const res = await admin.get<{ queues: DlqQueueSummary[] }>('/admin/dlq');
    assert.equal(res.status, 200);
    return res.body.queues.find((q) => q.queue === QUEUE)!;
  };
  const placedHeaders = (id: string) =>
    envelopeHeaders({
      id,
      type: OrderPlaced.type,
      source: 'fabflow/shop',
      subject: id,
      time: new Date().toISOString(),
      version: 1,
    });

  before(async () => {
    vhost = await createTestVhost('crmdlq');
    database = uniqueName('t_crmdlq');
    crm = new ServiceProcess(
      'crm-api',
      await freePort(),
      {
        AMQP_URLS: vhost.url,
        DATABASE_URL: testDatabaseUrl(database),
        REDIS_URL: testEnv.TEST_REDIS_URL,
        SEED_STAFF: 'true',
        SEED_STAFF_PASSWORD: PASSWORD,
        // Its own login buckets: every test CRM has the same staff emails.
        RATE_LIMIT_KEY_PREFIX: uniqueName('rl-crmdlq'),
        RETRY_DELAYS_MS: '100,200',
        OUTBOX_POLL_MS: '200',
      },
      'crm-dlq-api',
    );
    await crm.start();
    conn = await amqp.connect(vhost.url);
    anonymous = new HttpClient(crm.url);
    [admin, manager] = await Promise.all([login('admin'), login('manager')]);
    await waitFor('the CRM subscriptions to be declared', async () => (await crmOrders()).exists);
  });

  after(async () => {
    await conn?.close();
    await crm?.stop();
    if (database) await dropDatabase(database);
    await vhost?.drop();
  });

  it('is for admins only: no token 401, manager 403, admin sees its own queues', async () => {
    assert.equal((await anonymous.get('/admin/dlq')).status, 401);
    const forbidden = await manager.get<Problem>('/admin/dlq');
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.detail, /admin/);
    const res = await admin.get<{ queues: DlqQueueSummary[] }>('/admin/dlq');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.queues.map((q) => [q.queue, q.dlq, q.depth]),
      [
        ['crm.accounts', 'crm.accounts.dlq', 0],
        ['crm.quote-reviews', 'crm.quote-reviews.dlq', 0],
        ['crm.orders', 'crm.orders.dlq', 0],
      ],
    );
  });

  it('shows a poison message grouped under schema-invalid, and the message itself', async () => {
    const ch = await conn.createConfirmChannel();
    const body = { orderId: 'not-a-uuid', customerId: uuidv7(), totalCents: -1 };
    const content = Buffer.from(JSON.stringify(body));
    ch.publish(
      OrderPlaced.exchange,
      OrderPlaced.routingKey,
      content,
      publishOptions(placedHeaders(poisonId)),
    );
    await ch.waitForConfirms();
    await ch.close();

    const summary = await waitFor('the poison message in the DLQ', async () => {
      const q = await crmOrders();
      return q.depth === 1 ? q : undefined;
    });
    assert.equal(summary.groups.length, 1);
    assert.equal(summary.groups[0]?.reason, 'schema-invalid');
    assert.equal(summary.groups[0]?.count, 1);
    assert.deepEqual(summary.groups[0]?.types, [OrderPlaced.type]);
    assert.match(summary.groups[0]?.error ?? '', /orderId/);

    const list = await admin.get<DlqMessageList>(`/admin/dlq/${QUEUE}/messages?limit=10`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.messages.map((m) => [m.id, m.reason, m.originalRoutingKey]),
      [[poisonId, 'schema-invalid', 'order.placed']],
    );
    const shown = await admin.get<DlqMessageDetail>(`/admin/dlq/${QUEUE}/messages/${poisonId}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.headers['ce-type'], OrderPlaced.type);
    assert.deepEqual(shown.body.body, { encoding: 'json', value: body });
  });

  it('answers bad requests with a problem that says why', async () => {
    const unknown = await admin.get<Problem>('/admin/dlq/nope.queue/messages');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.detail, /unknown queue "nope.queue"; known queues: crm.accounts/);
    // Another service's queue is not this service's to manage.
    const other = await admin.post<Problem>(`/admin/dlq/${SUBSCRIPTION_QUEUES.mes.orders}/purge`, {
      confirm: SUBSCRIPTION_QUEUES.mes.orders,
    });
    assert.equal(other.status, 404);
    const missing = await admin.get<Problem>(`/admin/dlq/${QUEUE}/messages/${uuidv7()}`);
    assert.equal(missing.status, 404);

    const wrongConfirm = await admin.post<Problem>(`/admin/dlq/${QUEUE}/purge`, {
      confirm: 'crm',
    });
    assert.equal(wrongConfirm.status, 422);
    assert.match(wrongConfirm.body.detail, /confirm must be the queue name "crm.orders"/);
    assert.equal((await admin.post(`/admin/dlq/${QUEUE}/purge`, {})).status, 400);

    const replays: Array<[object, number]> = [
      [{}, 422],
      [{ all: true, type: OrderPlaced.type }, 422],
      [{ all: false }, 422],
      [{ ids: [] }, 400],
    ];
    for (const [body, status] of replays) {
      const res = await admin.post<Problem>(`/admin/dlq/${QUEUE}/replay`, body);
      assert.equal(res.status, status, JSON.stringify(body));
      if (status === 422) assert.match(res.body.detail, /exactly one of/);
    }
    const tooFast = await admin.post<Problem>(`/admin/dlq/${QUEUE}/replay`, {
      all: true,
      ratePerSecond: 5000,
    });
    assert.equal(tooFast.status, 400);
    assert.match(tooFast.body.detail, /ratePerSecond/);
    assert.equal((await crmOrders()).depth, 1, 'nothing was lost');
  });

  it('replays by id: a fixed message is applied under its own id, the poison comes back', async () => {
    // An order that failed earlier (say, its handler had a bug since fixed) waits in the DLQ.
    const orderId = uuidv7();
    const ch = await conn.createConfirmChannel();
    const ce = placedHeaders(orderId);
    const data = {
      orderId,
      customerId: uuidv7(),
      item: {
        quoteId: uuidv7(),
        name: 'bracket.stl',
        material: 'pa12-sls',
        quantity: 2,
        unitPriceCents: 900,
      },
      totalCents: 1800,
      currency: 'EUR',
      placedAt: new Date().toISOString(),
    };
    ch.publish('', dlqName(QUEUE), Buffer.from(JSON.stringify(data)), {
      ...publishOptions(ce),
      headers: {
        ...ce,
        'x-dlq-reason': 'handler-failed',
        'x-error': 'relation "orders" is locked',
        'x-attempts': 3,
      },
    });
    await ch.waitForConfirms();
    await ch.close();
    await waitFor('two messages in the DLQ', async () => (await crmOrders()).depth === 2);

    const res = await admin.post<DlqReplayResult>(`/admin/dlq/${QUEUE}/replay`, {
      ids: [orderId],
      ratePerSecond: 10,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.replayed, 1);
    assert.deepEqual(res.body.replayedIds, [orderId]);
    const order = await waitFor('the replayed order in the CRM', async () => {
      const r = await manager.get<{ status: string }>(`/orders/${orderId}`);
      return r.status === 200 ? r.body : undefined;
    });
    assert.equal(order.status, 'AWAITING_CONFIRMATION');

    const again = await admin.post<DlqReplayResult>(`/admin/dlq/${QUEUE}/replay`, {
      ids: [poisonId],
    });
    assert.equal(again.body.replayed, 1);
    const back = await waitFor('the poison message back in the DLQ', async () => {
      const r = await admin.get<DlqMessageDetail>(`/admin/dlq/${QUEUE}/messages/${poisonId}`);
      return r.status === 200 && r.body.replayCount === 1 ? r.body : undefined;
    });
    assert.equal(back.reason, 'schema-invalid');
    assert.equal(typeof back.headers['x-replayed-at'], 'string');

    const purged = await admin.post<{ purged: number }>(`/admin/dlq/${QUEUE}/purge`, {
      confirm: QUEUE,
    });
    assert.equal(purged.status, 200);
    assert.equal(purged.body.purged, 1);
    assert.equal((await crmOrders()).depth, 0);
  });
});
