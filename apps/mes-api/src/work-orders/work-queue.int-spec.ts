import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import amqp, { type ChannelModel } from 'amqplib';
import pg from 'pg';
import {
  OrderApproved,
  SUBSCRIPTION_QUEUES,
  type Problem,
  type WorkOrderLiveEvent,
} from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { envelopeHeaders, publishOptions } from '@fabflow/messaging';
import {
  createTestVhost,
  dropDatabase,
  freePort,
  HttpClient,
  scrapeMetric,
  ServiceProcess,
  SseRecorder,
  testDatabaseUrl,
  TestTokenIssuer,
  testEnv,
  uniqueName,
  waitFor,
  type TestVhost,
} from '@fabflow/testing';
import { insertWorkOrderRow, type WorkOrderRowSeed } from '../production/work-order-row.fixture';

/*
 * The work queue across two real mes-api processes on one database, one Redis and one vhost:
 * what one instance changes, the other serves and streams at once.
 */

const OTTO = '00000000-0000-7000-8000-0000000c0001';
const OLGA = '00000000-0000-7000-8000-0000000c0002';
const ADMIN = '00000000-0000-7000-8000-0000000c0003';

type View = {
  id: string;
  status: string;
  version: number;
  assigneeId: string | null;
  priority: string;
  dueAt: string;
  machineId: string | null;
  material: string;
};
type Page = { items: View[]; nextCursor: string | null };

type Seed = WorkOrderRowSeed;

describe('work queue across two mes-api instances (real Postgres, Redis, RabbitMQ)', () => {
  let vhost: TestVhost;
  let database: string;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let pool: pg.Pool;
  let amqpConn: ChannelModel;
  let staff: TestTokenIssuer;
  /** Each person's access token, issued before the tests as the CRM would. */
  const tokens = new Map<string, string>();
  const tokenOf = (userId: string) => tokens.get(userId) ?? assert.fail(`no token for ${userId}`);
  const as = (svc: ServiceProcess, userId: string) => new HttpClient(svc.url, tokenOf(userId));
  const metric = (svc: ServiceProcess, series: string, labels: Record<string, string> = {}) =>
    scrapeMetric(`${svc.url}/metrics`, series, labels);

  /** Work orders written straight into the tables: the fixture, before anyone lists. */
  async function insert(rows: Seed[]): Promise<string[]> {
    const ids: string[] = [];
    for (const r of rows) ids.push(await insertWorkOrderRow(pool, r));
    return ids;
  }

  /** A manager's approval as the CRM publishes it; the MES consumer makes the work order. */
  async function approve(orderId: string): Promise<void> {
    const ch = await amqpConn.createConfirmChannel();
    const data = {
      orderId,
      customerId: uuidv7(),
      item: {
        quoteId: uuidv7(),
        name: 'Bracket',
        material: 'pla-black',
        quantity: 2,
        unitPriceCents: 100,
      },
      approvedBy: uuidv7(),
      dueAt: '2027-02-01T12:00:00Z',
      priority: 'RUSH',
    };
    const headers = envelopeHeaders({
      id: uuidv7(),
      type: OrderApproved.type,
      source: 'fabflow/crm',
      subject: orderId,
      time: new Date().toISOString(),
      version: 1,
    });
    ch.publish(
      OrderApproved.exchange,
      OrderApproved.routingKey,
      Buffer.from(JSON.stringify(data)),
      publishOptions(headers),
    );
    await ch.waitForConfirms();
    await ch.close();
  }

  const sql = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await pool.query<T>(text, values)).rows;

  before(async () => {
    staff = await TestTokenIssuer.start();
    for (const [id, role] of [
      [OTTO, 'operator'],
      [OLGA, 'operator'],
      [ADMIN, 'admin'],
    ] as const)
      tokens.set(id, await staff.token(id, role));
    vhost = await createTestVhost('mesq');
    database = uniqueName('t_mesq');
    const env = {
      AMQP_URLS: vhost.url,
      DATABASE_URL: testDatabaseUrl(database),
      REDIS_URL: testEnv.TEST_REDIS_URL,
      ...staff.env,
      OUTBOX_POLL_MS: '200',
    };
    a = new ServiceProcess('mes-api', await freePort(), env, 'mes-queue-a');
    b = new ServiceProcess('mes-api', await freePort(), env, 'mes-queue-b');
    await a.start();
    await b.start();
    pool = new pg.Pool({ connectionString: testDatabaseUrl(database), max: 4 });
    amqpConn = await amqp.connect(vhost.url);
    await waitFor('the mes.orders queue', async () => {
      const ch = await amqpConn.createChannel();
      ch.on('error', () => undefined);
      try {
        return (await ch.checkQueue(SUBSCRIPTION_QUEUES.mes.orders)).consumerCount === 2;
      } finally {
        await ch.close().catch(() => undefined);
      }
    });
  });

  after(async () => {
    await amqpConn?.close();
    await pool?.end();
    await Promise.all([a?.stop(), b?.stop()]);
    if (database) await dropDatabase(database);
    await vhost?.drop();
    await staff?.stop();
  });

  it('lets exactly one of two operators take a work order when both try at once, on different instances', async () => {
    const ids = await insert(Array.from({ length: 20 }, () => ({ machine: 'sla-1' })));
    for (const id of ids) {
      const [otto, olga] = await Promise.all([
        as(a, OTTO).post<View & Problem>(`/work-orders/${id}/claim`),
        as(b, OLGA).post<View & Problem>(`/work-orders/${id}/claim`),
      ]);
      assert.deepEqual([otto.status, olga.status].sort(), [200, 409], id);
      const winner = otto.status === 200 ? otto : olga;
      const loser = otto.status === 200 ? olga : otto;
      assert.match(loser.body.detail, /already taken/);
      const [row] = await sql<{ assignee_id: string; version: number }>(
        'SELECT assignee_id, version FROM work_orders WHERE id = $1',
        [id],
      );
      assert.equal(row!.assignee_id, winner.body.assigneeId);
      assert.equal(row!.version, 2, 'one update, not two');
    }
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const [id] = await insert([{ machine: 'sla-2' }]);
    const otto = as(a, OTTO);
    assert.equal((await otto.post(`/work-orders/${id}/claim`)).status, 200);
    const before = await sql('SELECT * FROM work_orders WHERE id = $1', [id]);
    const rows = async () =>
      (
        await sql<{ n: number }>(
          `SELECT (SELECT count(*) FROM work_order_history WHERE work_order_id = $1)
                + (SELECT count(*) FROM work_order_notes WHERE work_order_id = $1)
                + (SELECT count(*) FROM work_order_quantity_reports WHERE work_order_id = $1)
                + (SELECT count(*) FROM outbox WHERE subject = $1::text) AS n`,
          [id],
        )
      )[0]!.n;
    const written = await rows();

    const bad = async (
      res: Promise<{ status: number; body: unknown }>,
      status: number,
      re: RegExp,
    ) => {
      const r = await res;
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match((r.body as Problem).detail, re);
      return r.body as Problem;
    };
    const listErr = await bad(otto.get('/work-orders?status=QUEUED,DONE'), 400, /status\.1/);
    assert.deepEqual(
      listErr.errors?.map((e) => e.path),
      ['status.1'],
    );
    await bad(otto.get('/work-orders?priority=URGENT'), 400, /priority/);
    await bad(otto.get('/work-orders?assignee=bob'), 400, /assignee/);
    await bad(otto.get('/work-orders?colour=red'), 400, /unknown field\(s\): colour/);
    await bad(otto.get('/work-orders?cursor=bm90LWEtY3Vyc29y'), 400, /cursor: not a cursor/);
    await bad(otto.get('/work-orders?limit=5000'), 400, /limit/);
    await bad(otto.get('/work-orders?dueFrom=2027-01-02&dueBefore=2027-01-01'), 400, /dueBefore/);
    const machine = await bad(otto.get('/work-orders?machine=fdm-9'), 400, /unknown machine/);
    assert.match(machine.detail, /known: fdm-1, fdm-2/);
    await bad(otto.get('/work-orders?material=unobtainium'), 400, /unknown material/);
    await bad(otto.get('/work-orders/counts?machine=fdm-9'), 400, /unknown machine/);
    await bad(otto.get('/work-orders/counts?status=QUEUED'), 400, /unknown field/);

    const illegal = await bad(
      otto.post(`/work-orders/${id}/transitions`, { to: 'SHIPPED' }),
      409,
      /QUEUED to SHIPPED/,
    );
    assert.deepEqual(illegal.allowed, ['IN_PRODUCTION', 'ON_HOLD', 'CANCELLED']);
    await bad(
      otto.post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION', expectedVersion: 1 }),
      409,
      /stale version: you saw version 1, the work order is at 2/,
    );
    await bad(
      otto.post(`/work-orders/${id}/transitions`, { to: 'ON_HOLD' }),
      400,
      /reason is required/,
    );
    await bad(otto.post(`/work-orders/${id}/transitions`, { to: 'DONE' }), 400, /to/);
    await bad(otto.post(`/work-orders/${id}/quantities`, { good: 2 }), 409, /is QUEUED/);
    await bad(otto.post(`/work-orders/${id}/quantities`, {}), 400, /at least one part/);
    await bad(otto.post(`/work-orders/${id}/quantities`, { good: -1 }), 400, /good/);
    await bad(otto.post(`/work-orders/${id}/notes`, { body: '   ' }), 400, /body/);
    await bad(as(b, OLGA).post(`/work-orders/${id}/release`), 409, /only the operator/);
    await bad(
      as(b, OLGA).post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION' }),
      409,
      /held by another operator/,
    );
    await bad(otto.post(`/work-orders/${uuidv7()}/quantities`, { good: 1 }), 404, /not found/);
    await bad(otto.get('/work-orders/not-a-uuid'), 400, /must be a UUID/);

    assert.deepEqual(await sql('SELECT * FROM work_orders WHERE id = $1', [id]), before);
    assert.equal(await rows(), written, 'no history, note, report or outbox row');
  });

  it('pages through the queue with keyset cursors: rush first, then due date, each row once', async () => {
    // Many on the same due hour, so the id decides their order; mjf-1 is this test's alone.
    const due = ['2027-03-01T08:00:00Z', '2027-03-01T09:00:00Z', '2027-03-02T08:00:00Z'];
    await insert(
      Array.from({ length: 90 }, (_, i) => ({
        machine: 'mjf-1',
        material: 'pa12-mjf',
        priority: i % 7 === 0 ? ('RUSH' as const) : ('NORMAL' as const),
        status: (['QUEUED', 'IN_PRODUCTION', 'REWORK', 'SHIPPED'] as const)[i % 4]!,
        due: due[i % 3]!,
      })),
    );
    const expected = await sql<{ id: string }>(
      `SELECT id FROM work_orders WHERE machine_id = 'mjf-1'
         AND status NOT IN ('SHIPPED', 'SCRAPPED', 'CANCELLED')
       ORDER BY priority = 'RUSH' DESC, due_at, id`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      // Alternate instances: a cursor from one is good on the other.
      const svc = pages % 2 === 0 ? a : b;
      const q: string = `/work-orders?machine=mjf-1&limit=8${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await as(svc, OTTO).get<Page>(q);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seen.push(...res.body.items.map((w) => w.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    assert.deepEqual(
      seen,
      expected.map((r) => r.id),
    );
    assert.equal(pages, Math.ceil(expected.length / 8));

    const shipped = await as(a, OTTO).get<Page>(
      '/work-orders?machine=mjf-1&status=SHIPPED,REWORK&priority=RUSH',
    );
    const want = await sql<{ id: string }>(
      `SELECT id FROM work_orders WHERE machine_id = 'mjf-1' AND status IN ('SHIPPED', 'REWORK')
         AND priority = 'RUSH' ORDER BY due_at, id`,
    );
    assert.deepEqual(
      shipped.body.items.map((w) => w.id),
      want.map((r) => r.id),
    );
  });

  it('counts per status under each filter equal a count of the rows', async () => {
    await insert([
      {
        machine: 'sls-1',
        material: 'pa12-sls',
        assignee: OLGA,
        status: 'PACKED',
        due: '2027-04-02T10:00:00Z',
      },
      {
        machine: 'sls-1',
        material: 'pa12-sls',
        status: 'QUEUED',
        priority: 'RUSH',
        due: '2027-04-01T10:00:00Z',
      },
      { machine: null, material: 'PLA', status: 'ON_HOLD', due: '2027-04-03T10:00:00Z' },
    ]);
    const cases: Array<[string, string, unknown[]]> = [
      ['', 'true', []],
      ['machine=sls-1', "machine_id = 'sls-1'", []],
      ['material=PLA&priority=NORMAL', "material = 'PLA' AND priority = 'NORMAL'", []],
      ['assignee=unassigned', 'assignee_id IS NULL', []],
      ['assignee=me', 'assignee_id = $1', [OLGA]],
      [
        'dueFrom=2027-04-01&dueBefore=2027-04-03T00:00:00Z&machine=sls-1',
        "due_at >= '2027-04-01' AND due_at < '2027-04-03' AND machine_id = 'sls-1'",
        [],
      ],
    ];
    for (const [query, where, values] of cases) {
      const res = await as(b, OLGA).get<{
        counts: Record<string, number>;
        total: number;
        open: number;
      }>(`/work-orders/counts?${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const rows = await sql<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM work_orders WHERE ${where} GROUP BY status`,
        values,
      );
      const want = Object.fromEntries(Object.keys(res.body.counts).map((s) => [s, 0]));
      for (const r of rows) want[r.status] = r.n;
      assert.deepEqual(res.body.counts, want, query);
      assert.equal(
        res.body.total,
        rows.reduce((n, r) => n + r.n, 0),
      );
    }
  });

  it('serves a page from the cache on every instance until a change, which every instance sees at once', async () => {
    const [id] = await insert([{ machine: 'fdm-2', material: 'petg-clear' }]);
    const q = '/work-orders?machine=fdm-2&material=petg-clear';
    const loads = async () =>
      (await metric(a, 'fabflow_cache_load_seconds_count', { cache: 'work_queue_list' })) +
      (await metric(b, 'fabflow_cache_load_seconds_count', { cache: 'work_queue_list' }));
    const hitsB = () =>
      metric(b, 'fabflow_cache_requests_total', { cache: 'work_queue_list', result: 'hit' });

    const first = await as(a, OTTO).get<Page>(q);
    const loaded = await loads();
    const hits = await hitsB();
    const again = await as(b, OTTO).get<Page>(q);
    assert.deepEqual(again.body, first.body);
    assert.equal(await hitsB(), hits + 1, 'B served A’s entry');
    assert.equal(await loads(), loaded, 'nothing recomputed');

    // A change through A: B's next answer has it, no TTL to wait out.
    assert.equal((await as(a, OTTO).post(`/work-orders/${id}/claim`)).status, 200);
    const afterClaim = await as(b, OLGA).get<Page>(q);
    assert.equal(afterClaim.body.items.find((w) => w.id === id)?.assigneeId, OTTO);
    assert.equal(
      (await as(a, OTTO).post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION' })).status,
      200,
    );
    const afterMove = await as(b, OLGA).get<Page>(q);
    assert.equal(afterMove.body.items.find((w) => w.id === id)?.status, 'IN_PRODUCTION');

    // A work order made by the event handler (either instance's consumer) invalidates too.
    const orderId = uuidv7();
    const listed = await as(b, OTTO).get<Page>(`/work-orders?orderId=${orderId}`);
    assert.deepEqual(listed.body.items, []);
    await approve(orderId);
    await waitFor('the new work order in the list', async () => {
      const r = await as(b, OTTO).get<Page>(`/work-orders?orderId=${orderId}`);
      return r.body.items.length === 1;
    });
  });

  it('computes a missing entry once when both instances miss it at the same moment', async () => {
    await insert([{ machine: 'fdm-3', material: 'pla-black', priority: 'RUSH' }]);
    // A query no one has asked before: a cold entry.
    const q = `/work-orders?machine=fdm-3&priority=RUSH&limit=${100 + Math.floor(Math.random() * 90)}`;
    const count = async (series: string, labels: Record<string, string>) =>
      (await metric(a, series, labels)) + (await metric(b, series, labels));
    const list = { cache: 'work_queue_list' };
    const loads0 = await count('fabflow_cache_load_seconds_count', list);
    const waits0 = await count('fabflow_cache_singleflight_waits_total', list);
    const hits0 = await count('fabflow_cache_requests_total', { ...list, result: 'hit' });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => as(i % 2 ? b : a, OTTO).get<Page>(q)),
    );
    for (const r of answers) assert.deepEqual(r.body, answers[0]!.body);
    assert.equal(answers[0]!.body.items.length, 1);
    const loads = (await count('fabflow_cache_load_seconds_count', list)) - loads0;
    const waits = (await count('fabflow_cache_singleflight_waits_total', list)) - waits0;
    const hits = (await count('fabflow_cache_requests_total', { ...list, result: 'hit' })) - hits0;
    assert.equal(loads, 1, 'one computation for 12 concurrent requests on two instances');
    // Every other request waited for that computation (in its process or behind the Redis
    // lock) or came after it (a hit); which, depends on timing.
    assert.equal(waits + hits, 11, `waits ${waits}, hits ${hits}`);
  });

  it('streams every change to the dashboards of both instances, whoever made it', async () => {
    const auth = {
      authorization: `Bearer ${tokenOf(OLGA)}`,
    };
    const [onA, onB] = await Promise.all([
      SseRecorder.open(`${a.url}/work-orders/stream`, auth),
      SseRecorder.open(`${b.url}/work-orders/stream`, auth),
    ]);
    try {
      await waitFor(
        'both streams ready',
        () => onA.data('ready').length + onB.data('ready').length === 2,
      );
      assert.ok((await metric(a, 'fabflow_sse_clients')) >= 1);
      const [id] = await insert([{ machine: 'sla-1', material: 'resin-grey' }]);
      const otto = as(a, OTTO);
      assert.equal((await otto.post(`/work-orders/${id}/claim`)).status, 200); // through A
      const admin = as(b, ADMIN);
      assert.equal(
        (await admin.post(`/work-orders/${id}/transitions`, { to: 'IN_PRODUCTION' })).status,
        200,
      ); // through B
      assert.equal(
        (await otto.post(`/work-orders/${id}/quantities`, { good: 3, scrap: 1 })).status,
        200,
      );
      assert.equal(
        (await admin.post(`/work-orders/${id}/notes`, { body: 'first layer fine' })).status,
        201,
      );
      const orderId = uuidv7();
      await approve(orderId); // made by an event handler, on whichever instance consumed it

      const kinds = (s: SseRecorder) =>
        s
          .data<WorkOrderLiveEvent>('work-order')
          .filter((e) => e.id === id)
          .map((e) => `${e.kind}:${e.status}:${e.version}`);
      const want = [
        'assignee:QUEUED:2',
        'status:IN_PRODUCTION:3',
        'quantities:IN_PRODUCTION:4',
        'note:IN_PRODUCTION:4',
      ];
      for (const [name, stream] of [
        ['A', onA],
        ['B', onB],
      ] as const) {
        await waitFor(`${name} hears every change`, () => kinds(stream).length === want.length);
        assert.deepEqual(kinds(stream), want, name);
        const created = await waitFor(`${name} hears the new work order`, () =>
          stream.data<WorkOrderLiveEvent>('work-order').find((e) => e.kind === 'created'),
        );
        const [row] = await sql<{ id: string }>('SELECT id FROM work_orders WHERE order_id = $1', [
          orderId,
        ]);
        assert.equal(created.id, row!.id);
      }
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('ends its streams on shutdown (clients reconnect elsewhere) and exits cleanly', async () => {
    const auth = {
      authorization: `Bearer ${tokenOf(OTTO)}`,
    };
    const stream = await SseRecorder.open(`${b.url}/work-orders/stream`, auth);
    await waitFor('ready', () => stream.data('ready').length === 1);
    // A connection that has not sent a request yet (a browser's pre-opened socket, a client
    // pool reconnecting): it must not hold the shutdown up until its timeout (exit 1 at 15 s).
    const idle = connect(b.port, '127.0.0.1');
    idle.on('error', () => undefined);
    await new Promise((r) => idle.once('connect', r));
    assert.equal(await b.stop(), 0, 'a graceful exit, not the forced one');
    idle.destroy();
    await stream.ended;
    const unauthenticated = await fetch(`${a.url}/work-orders/stream`);
    assert.equal(unauthenticated.status, 401);
  });
});
