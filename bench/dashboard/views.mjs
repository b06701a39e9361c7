// The list views measured: the same selection through the API, as our SQL, and naively.
import { opts } from './cli-args.mjs';
import { encodeWorkQueueCursor, OPEN_WORK_ORDER_STATUSES } from './libs.mjs';

const FINAL = `('SHIPPED', 'SCRAPPED', 'CANCELLED')`;
const NAIVE_ORDER = `ORDER BY priority = 'RUSH' DESC, due_at, id`;

/** The deep page's cursor: where the default view stands after `deepOffset` rows. */
async function deepCursor(pool) {
  const { rows } = await pool.query(
    `SELECT queue_rank, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due, id
     FROM work_orders WHERE status = ANY($1) ORDER BY queue_rank, due_at, id OFFSET $2 LIMIT 1`,
    [OPEN_WORK_ORDER_STATUSES, opts.deepOffset - 1],
  );
  if (!rows[0]) throw new Error(`the default view has fewer than ${opts.deepOffset} rows`);
  const r = rows[0];
  return {
    cursor: encodeWorkQueueCursor({ rank: r.queue_rank, dueAt: r.due, id: r.id }),
    after: r,
  };
}

export async function views(pool) {
  const open = [...OPEN_WORK_ORDER_STATUSES];
  const { cursor, after } = await deepCursor(pool);
  const L = opts.limit;
  return [
    {
      name: 'default view',
      what: 'open work orders, rush first, by due date',
      path: `/work-orders?limit=${L}`,
      ours: { statuses: open, filter: {}, after: undefined },
      naive: `SELECT id FROM naive_work_orders WHERE status NOT IN ${FINAL} ${NAIVE_ORDER} LIMIT ${L}`,
    },
    {
      name: 'filtered view',
      what: 'queued, unassigned, on fdm-1',
      path: `/work-orders?status=QUEUED&assignee=unassigned&machine=fdm-1&limit=${L}`,
      ours: {
        statuses: ['QUEUED'],
        filter: { assigneeId: null, machineId: 'fdm-1' },
        after: undefined,
      },
      naive: `SELECT id FROM naive_work_orders WHERE status = 'QUEUED' AND assignee_id IS NULL
              AND machine_id = 'fdm-1' ${NAIVE_ORDER} LIMIT ${L}`,
    },
    {
      name: 'deep page',
      what: `default view after ${opts.deepOffset.toLocaleString('en')} rows (page ${Math.floor(opts.deepOffset / L) + 1})`,
      path: `/work-orders?limit=${L}&cursor=${cursor}`,
      ours: {
        statuses: open,
        filter: {},
        after: { rank: after.queue_rank, dueAt: after.due, id: after.id },
      },
      naive: `SELECT id FROM naive_work_orders WHERE status NOT IN ${FINAL} ${NAIVE_ORDER}
              OFFSET ${opts.deepOffset} LIMIT ${L}`,
    },
    {
      name: 'counts',
      what: 'work orders per status, no filter',
      path: `/work-orders/counts`,
      counts: true,
      naive: `SELECT status, count(*)::int AS n FROM naive_work_orders GROUP BY status`,
    },
  ];
}
