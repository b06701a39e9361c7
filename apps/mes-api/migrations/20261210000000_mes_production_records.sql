-- Orders with lines in production: one work order per order line (more when a scrapped part is
-- replaced), and per order and per line the status the MES derives from its work orders, with a
-- version that orders the order's events (work-order versions restart with a replacement).

-- One row per order production has heard of: from its approval, or from a cancellation that
-- arrived first (events are not ordered across exchanges). What only the approval tells
-- (customer, channel, line count) is null until it has arrived.
CREATE TABLE production_orders (
  order_id uuid PRIMARY KEY,
  customer_id uuid,
  channel text CHECK (channel IN ('B2C', 'B2B')),
  line_count smallint CHECK (line_count BETWEEN 1 AND 50),
  approved_at timestamptz,
  -- Derived from the lines (orderStatusFromLines); null while nothing is known of them.
  status text,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  -- The cancellation of the whole order (or the one that left no line to make), if any.
  cancellation_source text CHECK (cancellation_source IN ('CUSTOMER', 'MANAGER')),
  cancellation_reason text,
  cancelled_at timestamptz,
  -- Lines a manager cancelled before the approval arrived: the approval makes none of them.
  pending_cancelled_line_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((approved_at IS NULL) = (line_count IS NULL))
);

CREATE TABLE production_lines (
  line_id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES production_orders (order_id),
  line_no smallint NOT NULL CHECK (line_no BETWEEN 1 AND 50),
  quote_id uuid,
  quantity integer NOT NULL CHECK (quantity > 0),
  -- Derived from its work orders (lineStatusFromWorkOrders).
  status text NOT NULL,
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  cancelled boolean NOT NULL DEFAULT false,
  cancelled_at timestamptz,
  -- Replacement work orders made for scrapped parts (bounded by REWORK_MAX_REPLACEMENTS).
  replacements_used smallint NOT NULL DEFAULT 0 CHECK (replacements_used >= 0),
  -- Why the line waits for a manager (scrapped more often than replacements are made).
  hold_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (cancelled = (cancelled_at IS NOT NULL))
);
-- Lines by order, in line order (and one line per number).
CREATE UNIQUE INDEX production_lines_order_idx ON production_lines (order_id, line_no);

-- A work order makes one line of an order; its order's line number and count are copied onto
-- it (they never change), and so is the line's cancellation (it never ends), so that the work
-- queue shows "line 2 of 3" and what a held part of a cancelled line may still do without a join.
ALTER TABLE work_orders
  ADD COLUMN line_id uuid REFERENCES production_lines (line_id),
  ADD COLUMN line_no smallint CHECK (line_no BETWEEN 1 AND 50),
  ADD COLUMN line_count smallint CHECK (line_count BETWEEN 1 AND 50),
  ADD COLUMN line_cancelled boolean NOT NULL DEFAULT false,
  ADD COLUMN replaces_work_order_id uuid REFERENCES work_orders (id),
  ADD COLUMN hold_reason text;

-- Work orders from before lines: each was the only one of its order (order_id was unique), so
-- it makes the order's one line, whose id is the order's own (as linesOfLegacyOrder reads a
-- v1 order). Statuses as lineStatusFromWorkOrders / orderStatusFromLines derive them.
INSERT INTO production_orders (order_id, line_count, approved_at, status)
SELECT order_id, 1, created_at,
       CASE
         WHEN status = 'QUEUED' THEN 'CONFIRMED'
         WHEN status IN ('IN_PRODUCTION', 'POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'REWORK') THEN 'IN_PRODUCTION'
         WHEN status = 'SHIPPED' THEN 'SHIPPED'
         ELSE 'ON_HOLD'
       END
FROM work_orders;
INSERT INTO production_lines (line_id, order_id, line_no, quote_id, quantity, status)
SELECT order_id, order_id, 1, quote_id, quantity,
       CASE
         WHEN status = 'QUEUED' THEN 'PENDING'
         WHEN status IN ('IN_PRODUCTION', 'POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'REWORK') THEN 'IN_PRODUCTION'
         WHEN status = 'SHIPPED' THEN 'SHIPPED'
         ELSE 'ON_HOLD'
       END
FROM work_orders;
UPDATE work_orders SET line_id = order_id, line_no = 1, line_count = 1,
  hold_reason = CASE WHEN status = 'ON_HOLD' THEN coalesce(
    (SELECT h.reason FROM work_order_history h
     WHERE h.work_order_id = work_orders.id AND h.to_status = 'ON_HOLD' ORDER BY h.id DESC LIMIT 1),
    'on hold')
  END;

ALTER TABLE work_orders
  ALTER COLUMN line_id SET NOT NULL,
  ALTER COLUMN line_no SET NOT NULL,
  ALTER COLUMN line_count SET NOT NULL,
  -- Held work orders say why (the reason was required before; from now it is kept on the row).
  ADD CONSTRAINT work_orders_hold_reason_check CHECK ((status = 'ON_HOLD') = (hold_reason IS NOT NULL)),
  -- An order now has one work order per line (and per replacement).
  DROP CONSTRAINT work_orders_order_id_key;

-- Work orders of an order (the queue's orderId filter) and of a line, oldest first (the last
-- one is the line's live work order).
CREATE INDEX work_orders_order_idx ON work_orders (order_id);
CREATE INDEX work_orders_line_idx ON work_orders (line_id, created_at, id);
