import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RawBuilder } from 'kysely';
import {
  OPEN_WORK_ORDER_STATUSES,
  WORK_ORDER_STATUSES,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR } from '@fabflow/messaging';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';
import type { MesDatabase } from '../mes.database';
import { ProductionRepository } from '../production/production.repository';
import { SEED_OPERATORS, seedWorkOrders } from '../seed/work-order-seed';
import { WorkQueueRepository, type QueueFilter } from './work-queue.repository';

/*
 * The plans of the work queue's statements on a seeded table (60,000 work orders, the seed's
 * distribution, analysed): every list path reads an index in queue order and stops at the
 * limit; none reads the table from end to end or sorts its matching rows.
 */

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];
const describePlan = (nodes: PlanNode[]) =>
  nodes
    .map(
      (n) =>
        `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''} rows=${n['Actual Rows']}`,
    )
    .join('\n');

describe('work-queue query plans (real Postgres, seeded)', () => {
  let testDb: TestDatabase;
  let database: Database<MesDatabase>;
  const repo = new WorkQueueRepository();
  const open = [...OPEN_WORK_ORDER_STATUSES];
  const me = SEED_OPERATORS[0]!;

  async function plan(query: RawBuilder<unknown>): Promise<PlanNode[]> {
    const compiled = query.compile(database.db);
    const { rows } = await database.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`,
      [...compiled.parameters],
    );
    return flatten(rows[0]!['QUERY PLAN'][0]!.Plan);
  }

  /** The plan reads work_orders only through `indexes`, never by a sequential scan or bitmap of it all. */
  function assertIndexed(nodes: PlanNode[], indexes: string[], what: string) {
    const onTable = nodes.filter((n) => n['Relation Name'] === 'work_orders');
    const seq = onTable.filter((n) => n['Node Type'] === 'Seq Scan');
    assert.deepEqual(seq, [], `${what}: no sequential scan of work_orders`);
    const used = nodes.map((n) => n['Index Name']).filter((n): n is string => !!n);
    assert.ok(used.length > 0, `${what}: reads an index`);
    for (const u of used)
      assert.ok(indexes.includes(u), `${what}: uses ${u}, expected ${indexes.join(' or ')}`);
  }

  /** A list plan: one limited ordered index read per status, merged by a sort of those few rows. */
  function assertKeyset(nodes: PlanNode[], statuses: number, limit: number, what: string) {
    for (const n of nodes.filter((x) => x['Node Type'] === 'Sort'))
      for (const child of flatten(n).slice(1))
        if (child['Node Type'] === 'Sort')
          assert.fail(`${what}: nested sort\n${describePlan(nodes)}`);
    const scans = nodes.filter(
      (n) => n['Relation Name'] === 'work_orders' && n['Node Type'].startsWith('Index'),
    );
    for (const s of scans)
      assert.ok(
        (s['Actual Rows'] ?? 0) <= limit,
        `${what}: the index read stops at the limit (${s['Actual Rows']} rows per loop)`,
      );
    const top = nodes[0]!;
    assert.equal(top['Node Type'], 'Limit');
    assert.ok((top['Actual Rows'] ?? 0) <= limit);
    assert.ok(statuses > 0);
  }

  before(async () => {
    testDb = await createTestDatabase('mesplan');
    database = createDatabase<MesDatabase>(testDb.url);
    await migrate(
      database.pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations')),
    );
    // Two months of history: the open queue as large as a million work orders over two years have.
    await seedWorkOrders(database.pool, { count: 60_000, batchSize: 30_000, days: 60 });
  });

  after(async () => {
    await database?.close();
    await testDb?.drop();
  });

  const list = (f: Partial<QueueFilter>, statuses: WorkOrderStatus[] = open) =>
    repo.pageQuery({ statuses, ...f }, undefined, 51);

  it('the default view and each filter read their index in queue order, stopping at the page', async () => {
    const cases: Array<[string, RawBuilder<unknown>, string[], number]> = [
      ['open statuses', list({}), ['work_orders_queue_idx'], open.length],
      ['one status', list({}, ['QUEUED']), ['work_orders_queue_idx'], 1],
      ['shipped', list({}, ['SHIPPED']), ['work_orders_queue_idx'], 1],
      ['rush', list({ priority: 'RUSH' }), ['work_orders_queue_idx'], open.length],
      ['machine', list({ machineId: 'sls-1' }), ['work_orders_machine_queue_idx'], open.length],
      [
        'material',
        list({ material: 'resin-grey' }),
        ['work_orders_material_queue_idx'],
        open.length,
      ],
      ['mine', list({ assigneeId: me }), ['work_orders_assignee_queue_idx'], open.length],
      // Most queued work is unassigned: the status index, filtered, is as good as the assignee one.
      [
        'unassigned',
        list({ assigneeId: null }, ['QUEUED']),
        ['work_orders_assignee_queue_idx', 'work_orders_queue_idx'],
        1,
      ],
      [
        'due range',
        list({
          dueFrom: new Date(Date.now() - 2 * 86_400_000).toISOString(),
          dueBefore: new Date().toISOString(),
        }),
        ['work_orders_queue_idx', 'work_orders_due_idx'],
        open.length,
      ],
    ];
    for (const [what, query, indexes, statuses] of cases) {
      const nodes = await plan(query);
      assertIndexed(nodes, indexes, what);
      assertKeyset(nodes, statuses, 51, what);
    }
  });

  it('two filters at once read one of their indexes and keep far from the table', async () => {
    // With two selective filters the planner may read one index in order and filter, or take
    // the few hundred rows one index gives and sort them; either touches a small part.
    const nodes = await plan(list({ assigneeId: null, machineId: 'fdm-1' }, ['QUEUED']));
    assertIndexed(
      nodes,
      ['work_orders_machine_queue_idx', 'work_orders_assignee_queue_idx', 'work_orders_queue_idx'],
      'queued, unassigned, on a machine',
    );
    const read = nodes
      .filter((n) => n['Node Type'].includes('Index'))
      .reduce((sum, n) => sum + (n['Actual Rows'] ?? 0), 0);
    assert.ok(read < 6_000, `${read} index entries read of 60,000 rows`);
  });

  it('a lookup by order id reads its rows by the order index, in every status', async () => {
    const { rows } = await database.pool.query<{ order_id: string }>(
      `SELECT order_id FROM work_orders WHERE status = 'SHIPPED' LIMIT 1`,
    );
    const nodes = await plan(list({ orderId: rows[0]!.order_id }, [...WORK_ORDER_STATUSES]));
    assertIndexed(nodes, ['work_orders_order_idx'], 'order id');
    assert.equal(nodes[0]!['Actual Rows'], 1);
  });

  it('an order’s lines and each line’s work orders are read by their indexes (every move derives from them)', async () => {
    const { rows } = await database.pool.query<{ order_id: string }>(
      `SELECT order_id FROM work_orders WHERE status = 'IN_PRODUCTION' LIMIT 1`,
    );
    const nodes = await plan(
      new ProductionRepository(database.db).linesWithWorkOrdersQuery(rows[0]!.order_id),
    );
    assertIndexed(nodes, ['production_lines_order_idx', 'work_orders_line_idx'], 'order lines');
    const used = new Set(nodes.map((n) => n['Index Name']).filter(Boolean));
    assert.ok(used.has('work_orders_line_idx'), describePlan(nodes));
    assert.ok(
      !nodes.some(
        (n) => n['Relation Name'] === 'production_lines' && n['Node Type'] === 'Seq Scan',
      ),
      describePlan(nodes),
    );
  });

  it('a deep page continues from its cursor inside the index, as cheap as the first', async () => {
    // The 1,001st row of the open queue, as its cursor would say.
    const { rows } = await database.pool.query<{ queue_rank: number; due: string; id: string }>(
      `SELECT queue_rank, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due, id
       FROM work_orders WHERE status = ANY($1) ORDER BY queue_rank, due_at, id OFFSET 1000 LIMIT 1`,
      [open],
    );
    const at = rows[0]!;
    const nodes = await plan(
      repo.pageQuery({ statuses: open }, { rank: at.queue_rank, dueAt: at.due, id: at.id }, 51),
    );
    assertIndexed(nodes, ['work_orders_queue_idx'], 'deep page');
    assertKeyset(nodes, open.length, 51, 'deep page');
    const cond =
      nodes.find((n) => n['Index Name'] === 'work_orders_queue_idx')?.['Index Cond'] ?? '';
    assert.match(cond, /ROW\(queue_rank, due_at, id\) > ROW/, 'the cursor is an index condition');
  });

  it('counts come from the rollup, or over the due-date index with a range — never from the whole table', async () => {
    for (const f of [
      {},
      { machineId: 'fdm-2', assigneeId: null },
      { assigneeId: me, priority: 'RUSH' as const },
    ]) {
      const nodes = await plan(repo.countsQuery(f));
      assert.ok(!nodes.some((n) => n['Relation Name'] === 'work_orders'), 'rollup only');
      assert.ok(nodes.some((n) => n['Relation Name'] === 'work_order_counts'));
    }
    const ranged = await plan(
      repo.countsQuery({
        dueFrom: new Date(Date.now() - 86_400_000).toISOString(),
        dueBefore: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    assertIndexed(ranged, ['work_orders_due_idx'], 'counts over a due range');
  });

  it('the rollup counts what the table holds', async () => {
    const { rows } = await database.pool.query<{ diff: number }>(
      `SELECT count(*)::int AS diff FROM (
         SELECT status, priority, coalesce(machine_id, '') m, material, assignee_id, count(*) n
         FROM work_orders GROUP BY 1, 2, 3, 4, 5
       ) t FULL JOIN work_order_counts c
         ON (c.status, c.priority, c.machine_id, c.material) = (t.status, t.priority, t.m, t.material)
        AND c.assignee_id = coalesce(t.assignee_id, '00000000-0000-0000-0000-000000000000')
       WHERE coalesce(t.n, 0) <> coalesce(c.n, 0)`,
    );
    assert.equal(rows[0]!.diff, 0);
  });
});
