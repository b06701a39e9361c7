-- The operators' work queue: one sort order (rush first, then due date, then id), keyset
-- pagination, filters by status, priority, machine, material, assignee and due date, counts per
-- status; notes and reported quantities.

-- The sort key as a column (0 = RUSH first), so that "rush first, then due date" is a plain
-- ascending (queue_rank, due_at, id) that an index returns in order and a row comparison
-- continues from a cursor.
ALTER TABLE work_orders
  ADD COLUMN queue_rank smallint GENERATED ALWAYS AS (CASE WHEN priority = 'RUSH' THEN 0 ELSE 1 END) STORED,
  ADD COLUMN good_quantity integer NOT NULL DEFAULT 0 CHECK (good_quantity >= 0),
  ADD COLUMN scrap_quantity integer NOT NULL DEFAULT 0 CHECK (scrap_quantity >= 0),
  ADD COLUMN rework_quantity integer NOT NULL DEFAULT 0 CHECK (rework_quantity >= 0);

-- One index per way into the queue; each ends in the sort key, so a page is an index range read
-- in order and stopped at the limit (one such read per requested status). The status index
-- serves every list; the others serve "mine"/"unassigned", a machine and a material without
-- reading the rows of other assignees, machines or materials.
CREATE INDEX work_orders_queue_idx ON work_orders (status, queue_rank, due_at, id);
CREATE INDEX work_orders_assignee_queue_idx ON work_orders (assignee_id, status, queue_rank, due_at, id);
CREATE INDEX work_orders_machine_queue_idx ON work_orders (machine_id, status, queue_rank, due_at, id);
CREATE INDEX work_orders_material_queue_idx ON work_orders (material, status, queue_rank, due_at, id);
-- Counts over a due-date range (the rollup below has no dates).
CREATE INDEX work_orders_due_idx ON work_orders (due_at, status);
-- (assignee_id, status) is a prefix of work_orders_assignee_queue_idx: it only cost writes.
DROP INDEX work_orders_assignee_status_idx;

CREATE TABLE work_order_notes (
  id bigserial PRIMARY KEY,
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  author_id uuid NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX work_order_notes_wo_idx ON work_order_notes (work_order_id, id);

CREATE TABLE work_order_quantity_reports (
  id bigserial PRIMARY KEY,
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  good integer NOT NULL CHECK (good >= 0),
  scrap integer NOT NULL CHECK (scrap >= 0),
  rework integer NOT NULL CHECK (rework >= 0),
  reported_by uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX work_order_quantity_reports_wo_idx ON work_order_quantity_reports (work_order_id, id);

-- Counts per status under the list's filters, without counting a million rows: work orders
-- grouped by everything the counts can be filtered on (a few thousand rows at most), kept
-- exact by statement-level triggers in the writing transaction. No machine is '', nobody is
-- the nil uuid (key columns cannot be NULL).
CREATE TABLE work_order_counts (
  status text NOT NULL,
  priority text NOT NULL,
  machine_id text NOT NULL,
  material text NOT NULL,
  assignee_id uuid NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (status, priority, machine_id, material, assignee_id)
);

-- Each statement adds its rows' deltas in key order: concurrent writers lock counter rows in
-- the same order, so they queue behind each other instead of deadlocking. An update that moves
-- no row to another group (a quantity report, a note) touches no counter row.
CREATE FUNCTION work_order_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO work_order_counts AS c (status, priority, machine_id, material, assignee_id, n)
    SELECT status, priority, coalesce(machine_id, ''), material,
           coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'), count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (status, priority, machine_id, material, assignee_id)
    DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE work_order_counts c SET n = c.n - d.n
    FROM (
      SELECT status, priority, coalesce(machine_id, '') AS machine_id, material,
             coalesce(assignee_id, '00000000-0000-0000-0000-000000000000') AS assignee_id,
             count(*) AS n
      FROM old_rows GROUP BY 1, 2, 3, 4, 5
    ) d
    WHERE (c.status, c.priority, c.machine_id, c.material, c.assignee_id)
        = (d.status, d.priority, d.machine_id, d.material, d.assignee_id);
  ELSE
    INSERT INTO work_order_counts AS c (status, priority, machine_id, material, assignee_id, n)
    SELECT status, priority, machine_id, material, assignee_id, sum(delta)::bigint
    FROM (
      SELECT status, priority, coalesce(machine_id, '') AS machine_id, material,
             coalesce(assignee_id, '00000000-0000-0000-0000-000000000000') AS assignee_id,
             1 AS delta
      FROM new_rows
      UNION ALL
      SELECT status, priority, coalesce(machine_id, ''), material,
             coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'), -1
      FROM old_rows
    ) d
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (status, priority, machine_id, material, assignee_id)
    DO UPDATE SET n = c.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER work_order_counts_insert AFTER INSERT ON work_orders
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION work_order_counts_apply();
CREATE TRIGGER work_order_counts_update AFTER UPDATE ON work_orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION work_order_counts_apply();
CREATE TRIGGER work_order_counts_delete AFTER DELETE ON work_orders
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION work_order_counts_apply();

INSERT INTO work_order_counts (status, priority, machine_id, material, assignee_id, n)
SELECT status, priority, coalesce(machine_id, ''), material,
       coalesce(assignee_id, '00000000-0000-0000-0000-000000000000'), count(*)
FROM work_orders GROUP BY 1, 2, 3, 4, 5;
