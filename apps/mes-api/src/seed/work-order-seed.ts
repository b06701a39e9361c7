import type pg from 'pg';
import { WORK_ORDER_STATUSES, type WorkOrderStatus } from '@fabflow/contracts';
import {
  lineHoldReason,
  lineStatus,
  orderStatus,
  type LineState,
} from '../production/production-status';

export interface SeedOptions {
  /** Work orders to add. */
  count: number;
  /** Rows per INSERT statement (one transaction each). */
  batchSize?: number;
  /** How far back the oldest work order was created. */
  days?: number;
  /** setseed() value: the same options give the same distribution. */
  seed?: number;
  /** Told after each batch. */
  onProgress?: (done: number, total: number) => void;
}

/** The development operator (`operator@fabflow.local`, the CRM's fixed id) and 23 colleagues. */
export const SEED_OPERATORS = [
  '00000000-0000-7000-8000-00000000a002',
  ...Array.from(
    { length: 23 },
    (_, k) => `00000000-0000-7000-8000-0000000b${String(k + 1).padStart(4, '0')}`,
  ),
];

/*
 * One batch, set-based: rows are drawn in SQL from generate_series, inserted, and their history
 * (created QUEUED, then the step into the current status) is written by the same statement.
 *
 * Rows are made oldest first, so ids, order ids and dates grow from batch to batch and every
 * index is filled mostly at its right edge (random positions would cost several times more
 * I/O and WAL once the indexes outgrow the cache).
 *
 * Distributions, for a plant that has been growing for `days` days:
 * - creation time: denser towards now (age = days · u^1.25, u from 1 down to 0 over the rows);
 * - priority: 8 % RUSH; lead time 1–4 days for rush, 3–15 for normal, due on the hour;
 * - machine: the seeded fleet, FDM-heavy (fdm-1..3: 60 %, sla: 20 %, sls: 10 %, mjf: 10 %),
 *   material by technology (PLA or PETG on FDM, resin on SLA, PA12 on SLS/MJF); 5 % catalogue
 *   orders without machine or quote;
 * - status by progress (age / lead time): QUEUED < 25 % < IN_PRODUCTION < 55 % <
 *   POST_PROCESSING < 70 % < QUALITY_CHECK < 80 % < PACKED < 90 % < SHIPPED; 3 % ON_HOLD, 2 %
 *   REWORK, 1 % CANCELLED among unfinished ones; past due, 70 % shipped and the rest overdue in
 *   production; more than a week past due, final (95 % SHIPPED, 3 % CANCELLED, 2 % SCRAPPED);
 * - assignee: one of 24 operators for work in progress and finished work, 15 % of QUEUED;
 * - quantity 1–200 (mostly small), good/scrap counts once production is over.
 */
/** The hold reason seeded ON_HOLD work orders have (and their history says). */
const HELD_FOR = 'waiting for material';

/**
 * Each seeded order has one line with one work order (as orders before lines): the line's and
 * the order's status follow from its status as the MES derives them; a CANCELLED work order is
 * a cancelled order (its history says "customer cancelled").
 */
const seededLine = (s: WorkOrderStatus): LineState => ({
  cancelled: s === 'CANCELLED',
  workOrders: [s],
  liveHoldReason: s === 'ON_HOLD' ? HELD_FOR : null,
});
const lit = (v: string | null) => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);
const byStatus = (value: (s: WorkOrderStatus) => string | null) =>
  `CASE status ${WORK_ORDER_STATUSES.map((s) => `WHEN '${s}' THEN ${lit(value(s))}`).join(' ')} END`;
const LINE_STATUS = byStatus((s) => lineStatus(seededLine(s)));
const LINE_HOLD = byStatus((s) =>
  lineStatus(seededLine(s)) === 'ON_HOLD' ? lineHoldReason(seededLine(s)) : null,
);
const ORDER_STATUS = byStatus((s) => orderStatus([seededLine(s)], null, s === 'CANCELLED'));

/** A UUIDv7 in SQL: the 48-bit millisecond time `ts` (12 hex digits), random bits from `hex`. */
const uuidv7 = (ts: string, hex: string) =>
  `(substr(${ts}, 1, 8) || '-' || substr(${ts}, 9, 4) || '-7' || substr(${hex}, 1, 3) || '-' ||
    substr('89ab', 1 + (get_byte(decode(substr(${hex}, 4, 2), 'hex'), 0) % 4), 1) ||
    substr(${hex}, 6, 3) || '-' || substr(${hex}, 9, 12))::uuid`;

const BATCH_SQL = `
WITH drawn AS (
  SELECT i, random() AS r_age, random() AS r_prio, random() AS r_lead, random() AS r_machine,
         random() AS r_mat, random() AS r_qty, random() AS r_status, random() AS r_who,
         random() AS r_id, random() AS r_sku
  FROM generate_series($1::int, $2::int) AS i
), timed AS (
  SELECT d.*,
         clock_timestamp() - make_interval(secs => $3::float8 * 86400 * power(($5::int - i + r_age) / $5::int, 1.25)) AS created_at,
         CASE WHEN r_prio < 0.08 THEN 'RUSH' ELSE 'NORMAL' END AS priority,
         CASE WHEN r_prio < 0.08 THEN 1 + 3 * r_lead ELSE 3 + 12 * r_lead END AS lead_days,
         CASE
           WHEN r_machine < 0.05 THEN NULL
           WHEN r_machine < 0.25 THEN 'fdm-1' WHEN r_machine < 0.45 THEN 'fdm-2'
           WHEN r_machine < 0.65 THEN 'fdm-3' WHEN r_machine < 0.75 THEN 'sla-1'
           WHEN r_machine < 0.85 THEN 'sla-2' WHEN r_machine < 0.925 THEN 'sls-1'
           ELSE 'mjf-1'
         END AS machine_id
  FROM drawn d
), placed AS (
  SELECT t.*,
         date_trunc('hour', t.created_at + make_interval(secs => t.lead_days * 86400)) AS due_at,
         extract(epoch FROM clock_timestamp() - t.created_at) / 86400 / t.lead_days AS progress,
         CASE
           WHEN t.machine_id IS NULL THEN 'PLA'
           WHEN t.machine_id LIKE 'fdm-%' THEN CASE WHEN r_mat < 0.7 THEN 'pla-black' ELSE 'petg-clear' END
           WHEN t.machine_id LIKE 'sla-%' THEN 'resin-grey'
           WHEN t.machine_id = 'sls-1' THEN 'pa12-sls'
           ELSE 'pa12-mjf'
         END AS material
  FROM timed t
), statused AS (
  SELECT p.*,
         CASE
           WHEN p.progress > 1 + 7 / p.lead_days THEN
             CASE WHEN r_status < 0.95 THEN 'SHIPPED' WHEN r_status < 0.98 THEN 'CANCELLED' ELSE 'SCRAPPED' END
           WHEN r_status < 0.03 THEN 'ON_HOLD'
           WHEN r_status < 0.05 THEN 'REWORK'
           WHEN r_status < 0.06 THEN 'CANCELLED'
           WHEN p.progress > 1 THEN
             CASE WHEN r_status < 0.76 THEN 'SHIPPED' WHEN r_status < 0.85 THEN 'IN_PRODUCTION'
                  WHEN r_status < 0.92 THEN 'QUALITY_CHECK' ELSE 'PACKED' END
           WHEN p.progress < 0.25 THEN 'QUEUED'
           WHEN p.progress < 0.55 THEN 'IN_PRODUCTION'
           WHEN p.progress < 0.70 THEN 'POST_PROCESSING'
           WHEN p.progress < 0.80 THEN 'QUALITY_CHECK'
           WHEN p.progress < 0.90 THEN 'PACKED'
           ELSE 'SHIPPED'
         END AS status,
         1 + floor(power(r_qty, 3) * 200)::int AS quantity
  FROM placed p
), rows AS (
  SELECT s.*,
         lpad(to_hex(floor(extract(epoch FROM s.created_at) * 1000)::bigint), 12, '0') AS ts,
         md5(s.i::text || s.r_id::text) AS h,
         md5(s.r_id::text || s.i::text) AS h2,
         CASE
           WHEN s.status = 'QUEUED' AND r_who > 0.15 THEN NULL
           WHEN s.status = 'CANCELLED' AND r_who > 0.5 THEN NULL
           ELSE ($4::uuid[])[1 + floor(r_who * array_length($4::uuid[], 1))::int]
         END AS assignee_id,
         CASE s.status
           WHEN 'QUEUED' THEN 1 WHEN 'IN_PRODUCTION' THEN 3 WHEN 'POST_PROCESSING' THEN 4
           WHEN 'QUALITY_CHECK' THEN 5 WHEN 'PACKED' THEN 6 WHEN 'SHIPPED' THEN 7
           WHEN 'REWORK' THEN 6 WHEN 'SCRAPPED' THEN 6 WHEN 'ON_HOLD' THEN 4 ELSE 3
         END AS version
  FROM statused s
), keyed AS (
  SELECT r.*, ${uuidv7('r.ts', 'r.h2')} AS order_id,
         CASE WHEN r.machine_id IS NULL THEN NULL ELSE gen_random_uuid() END AS quote_id
  FROM rows r
), orders AS (
  INSERT INTO production_orders (order_id, line_count, approved_at, status, version,
                                 cancellation_source, cancellation_reason, cancelled_at)
  SELECT order_id, 1, created_at, ${ORDER_STATUS}, version,
         CASE WHEN status = 'CANCELLED' THEN 'CUSTOMER' END,
         CASE WHEN status = 'CANCELLED' THEN 'customer cancelled' END,
         CASE WHEN status = 'CANCELLED' THEN created_at END
  FROM keyed
), lines AS (
  INSERT INTO production_lines (line_id, order_id, line_no, quote_id, quantity, status, version,
                                cancelled, cancelled_at, hold_reason)
  SELECT order_id, order_id, 1, quote_id, quantity, ${LINE_STATUS}, version,
         status = 'CANCELLED', CASE WHEN status = 'CANCELLED' THEN created_at END, ${LINE_HOLD}
  FROM keyed
), inserted AS (
  INSERT INTO work_orders (id, order_id, line_id, line_no, line_count, line_cancelled, hold_reason,
                           status, sku, material, quantity, priority, assignee_id,
                           quote_id, machine_id, version, due_at, created_at, updated_at,
                           good_quantity, scrap_quantity, rework_quantity)
  SELECT ${uuidv7('ts', 'h')},
         order_id, order_id, 1, 1, status = 'CANCELLED',
         CASE WHEN status = 'ON_HOLD' THEN '${HELD_FOR}' END,
         status,
         coalesce(upper(split_part(material, '-', 1)), 'PLA') || '-' ||
           (ARRAY['BRACKET', 'GEAR', 'HOUSING', 'CLIP', 'MOUNT', 'PROTO', 'FIGURE', 'ENCLOSURE'])[1 + floor(r_sku * 8)::int] ||
           '-' || lpad((floor(r_sku * 997))::int::text, 3, '0'),
         material, quantity, priority, assignee_id, quote_id,
         machine_id, version, due_at, created_at,
         least(clock_timestamp(), created_at + make_interval(secs => least(progress, 1.2) * lead_days * 86400 * 0.9)),
         CASE WHEN status IN ('PACKED', 'SHIPPED') THEN quantity
              WHEN status = 'QUALITY_CHECK' THEN quantity - floor(quantity * r_lead * 0.1)::int ELSE 0 END,
         CASE WHEN status IN ('PACKED', 'SHIPPED', 'QUALITY_CHECK', 'SCRAPPED', 'REWORK')
              THEN floor(quantity * r_lead * 0.05)::int ELSE 0 END,
         CASE WHEN status = 'REWORK' THEN greatest(1, floor(quantity * r_mat * 0.5)::int) ELSE 0 END
  FROM keyed
  RETURNING id, status, assignee_id, created_at, updated_at
), history AS (
  SELECT id AS work_order_id, NULL AS from_status, 'QUEUED' AS to_status, NULL::uuid AS changed_by, created_at AS at
  FROM inserted
  UNION ALL
  SELECT id,
         CASE status
           WHEN 'IN_PRODUCTION' THEN 'QUEUED' WHEN 'POST_PROCESSING' THEN 'IN_PRODUCTION'
           WHEN 'QUALITY_CHECK' THEN 'POST_PROCESSING' WHEN 'PACKED' THEN 'QUALITY_CHECK'
           WHEN 'SHIPPED' THEN 'PACKED' WHEN 'REWORK' THEN 'QUALITY_CHECK'
           WHEN 'SCRAPPED' THEN 'QUALITY_CHECK' ELSE 'IN_PRODUCTION'
         END,
         status, assignee_id, updated_at
  FROM inserted WHERE status <> 'QUEUED'
)
INSERT INTO work_order_history (work_order_id, from_status, to_status, changed_by, reason, at)
SELECT work_order_id, from_status, to_status, changed_by,
       CASE to_status WHEN 'ON_HOLD' THEN '${HELD_FOR}' WHEN 'REWORK' THEN 'surface defects'
                      WHEN 'SCRAPPED' THEN 'warped in the build' WHEN 'CANCELLED' THEN 'customer cancelled' END,
       at
FROM history`;

/**
 * Adds `count` realistic work orders (with their history and, as orders of one line, their
 * production records) to a migrated MES database, in batches of set-based INSERT … SELECT
 * generate_series, then refreshes the planner statistics and the visibility map. The count rollup follows by its statement triggers.
 */
export async function seedWorkOrders(pool: pg.Pool, opts: SeedOptions): Promise<void> {
  const batch = opts.batchSize ?? 50_000;
  const client = await pool.connect();
  try {
    await client.query('SELECT setseed($1)', [opts.seed ?? 0.42]);
    for (let done = 0; done < opts.count;) {
      const n = Math.min(batch, opts.count - done);
      await client.query(BATCH_SQL, [
        done + 1,
        done + n,
        opts.days ?? 730,
        SEED_OPERATORS,
        opts.count,
      ]);
      done += n;
      opts.onProgress?.(done, opts.count);
    }
    await client.query('VACUUM (ANALYZE) work_orders');
    await client.query('VACUUM (ANALYZE) work_order_history');
    await client.query('VACUUM (ANALYZE) work_order_counts');
    await client.query('VACUUM (ANALYZE) production_orders');
    await client.query('VACUUM (ANALYZE) production_lines');
  } finally {
    client.release();
  }
}
