import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  createTestVhost,
  freePort,
  HttpClient,
  PrivatePostgres,
  scrapeMetric,
  ServiceProcess,
  TestTokenIssuer,
  testEnv,
  uniqueName,
  waitFor,
  type TestVhost,
} from '@fabflow/testing';
import { insertWorkOrderRow } from '../production/work-order-row.fixture';

/*
 * A real streaming replica (pg_basebackup of a private primary): mes-api reads its lists from
 * the replica, writes to the primary, and never serves a list older than a change it has
 * announced — when the replica lags behind one, that read goes to the primary.
 */

const OTTO = '00000000-0000-7000-8000-0000000d0001';

describe('mes-api with a read replica (real primary and streaming standby)', () => {
  let primary: PrivatePostgres;
  let standby: PrivatePostgres;
  let vhost: TestVhost;
  let mes: ServiceProcess;
  let onPrimary: pg.Pool;
  let onStandby: pg.Pool;
  let otto: HttpClient;
  let staff: TestTokenIssuer;
  const database = uniqueName('t_mesreplica');
  const url = (server: PrivatePostgres) => server.url.replace(/\/postgres$/, `/${database}`);
  const reads = (target: string) =>
    scrapeMetric(`${mes.url}/metrics`, 'fabflow_read_routing_total', { target });
  const ids = async (q: string) =>
    (await otto.get<{ items: Array<{ id: string; assigneeId: string | null }> }>(q)).body.items;

  const insertQueued = () =>
    insertWorkOrderRow(onPrimary, {
      quantity: 1,
      due: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
  const replayed = async (id: string) =>
    (await onStandby.query('SELECT 1 FROM work_orders WHERE id = $1', [id])).rowCount === 1;

  before(async () => {
    staff = await TestTokenIssuer.start();
    primary = await PrivatePostgres.start();
    standby = await primary.startStandby();
    vhost = await createTestVhost('mesreplica');
    mes = new ServiceProcess(
      'mes-api',
      await freePort(),
      {
        AMQP_URLS: vhost.url,
        DATABASE_URL: url(primary),
        DATABASE_REPLICA_URLS: url(standby),
        REDIS_URL: testEnv.TEST_REDIS_URL,
        ...staff.env,
      },
      'mes-replica',
    );
    await mes.start();
    onPrimary = new pg.Pool({ connectionString: url(primary), max: 2 });
    onStandby = new pg.Pool({ connectionString: url(standby), max: 2 });
    onStandby.on('error', () => undefined);
    otto = new HttpClient(mes.url, await staff.token(OTTO, 'operator'));
  });

  after(async () => {
    await mes?.stop();
    await onPrimary?.end();
    await onStandby?.end().catch(() => undefined);
    await vhost?.drop();
    await standby?.destroy();
    await primary?.destroy();
    await staff?.stop();
  });

  it('reads lists from the replica: what only the primary has yet is not in them', async () => {
    const seen = await insertQueued();
    await waitFor('the standby to replay it', () => replayed(seen));
    const fromReplica = await reads('replica');
    assert.deepEqual(
      (await ids('/work-orders?machine=fdm-1')).map((w) => w.id),
      [seen],
    );
    assert.equal(await reads('replica'), fromReplica + 1);
    const { rows } = await onStandby.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'fabflow-mes-replica'`,
    );
    assert.ok(rows[0]!.n >= 1, 'mes-api has connections to the standby');

    // Replay paused: a row written on the primary behind the service's back stays out of the
    // replica, and so out of the list.
    await onStandby.query('SELECT pg_wal_replay_pause()');
    const unseen = await insertQueued();
    const listed = await ids('/work-orders?machine=fdm-1&limit=20');
    assert.deepEqual(
      listed.map((w) => w.id),
      [seen],
      'served by the paused replica',
    );
    await onStandby.query('SELECT pg_wal_replay_resume()');
    await waitFor('the standby to catch up', () => replayed(unseen));
  });

  it('writes to the primary, and reads a change it announced from the primary while the replica lags', async () => {
    const id = await insertQueued();
    await waitFor('the standby to replay it', () => replayed(id));
    await onStandby.query('SELECT pg_wal_replay_pause()');
    try {
      const claim = await otto.post<{ assigneeId: string }>(`/work-orders/${id}/claim`);
      assert.equal(claim.status, 200, 'the write went to the primary (the standby is read-only)');
      const fallbacks = await reads('primary_fallback');
      const mine = await ids('/work-orders?assignee=me');
      assert.deepEqual(
        mine.map((w) => w.id),
        [id],
        'the claim is in the list although the replica has not replayed it',
      );
      assert.equal(await reads('primary_fallback'), fallbacks + 1);
      const [standbyRow] = (
        await onStandby.query<{ assignee_id: string | null }>(
          'SELECT assignee_id FROM work_orders WHERE id = $1',
          [id],
        )
      ).rows;
      assert.equal(standbyRow!.assignee_id, null, 'the replica still lags');
    } finally {
      await onStandby.query('SELECT pg_wal_replay_resume()');
    }
    // Caught up (past everything the primary has written by now): reads go back to the replica.
    const { rows } = await onPrimary.query<{ lsn: string }>(
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    await waitFor('the standby to catch up', async () => {
      const r = await onStandby.query<{ ok: boolean }>(
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
        [rows[0]!.lsn],
      );
      return r.rows[0]?.ok === true;
    });
    const fromReplica = await reads('replica');
    assert.deepEqual(
      (await ids('/work-orders?assignee=me&limit=10')).map((w) => w.id),
      [id],
    );
    assert.equal(await reads('replica'), fromReplica + 1);
  });

  it('reads from the primary when the replica is down', async () => {
    await standby.stop('fast');
    const fallbacks = await reads('primary_fallback');
    const res = await otto.get<{ items: unknown[] }>('/work-orders?machine=fdm-1&limit=30');
    assert.equal(res.status, 200);
    assert.ok(res.body.items.length >= 3);
    assert.equal(await reads('primary_fallback'), fallbacks + 1);
  });
});
