-- Orders have 1 to 50 lines (one shop quote each). The single-item columns of orders become
-- order_lines rows (a former order's line has the order's own id, as `linesOfLegacyOrder` reads
-- a version-1 event); order status from production is applied by the MES's order version.
CREATE TABLE order_lines (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  line_no integer NOT NULL CHECK (line_no BETWEEN 1 AND 50),
  quote_id uuid,
  sku text,
  name text NOT NULL,
  material text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  status text NOT NULL DEFAULT 'PENDING',
  -- The MES's line version of the last status applied (0: none yet).
  line_version integer NOT NULL DEFAULT 0,
  -- What the MES did with the line when the order (or the line) was cancelled.
  cancellation_outcome text,
  UNIQUE (order_id, line_no)
);

INSERT INTO order_lines (id, order_id, line_no, quote_id, sku, name, material, quantity,
                         unit_price_cents, total_cents, status)
SELECT id, id, 1, quote_id, sku, coalesce(item ->> 'name', sku, 'part'), material, quantity,
       coalesce((item ->> 'unitPriceCents')::integer, total_cents / quantity), total_cents,
       CASE
         WHEN status = 'CANCELLED' THEN 'CANCELLED'
         WHEN work_order_status IN ('SHIPPED') THEN 'SHIPPED'
         WHEN work_order_status IN ('IN_PRODUCTION', 'POST_PROCESSING', 'QUALITY_CHECK', 'PACKED', 'REWORK')
           THEN 'IN_PRODUCTION'
         WHEN work_order_status IN ('ON_HOLD', 'SCRAPPED') THEN 'ON_HOLD'
         ELSE 'PENDING'
       END
  FROM orders;

-- The work orders of each line as the MES announced them (a scrapped part's replacement is a
-- second one); each applied by its own version. Former orders' work orders are not known by id.
CREATE TABLE work_orders (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  line_id uuid NOT NULL REFERENCES order_lines (id),
  status text NOT NULL,
  hold_reason text,
  replaces_work_order_id uuid,
  version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_orders_line_idx ON work_orders (line_id, created_at);

ALTER TABLE orders DROP CONSTRAINT orders_item_check;
ALTER TABLE orders
  DROP COLUMN item,
  DROP COLUMN quote_id,
  DROP COLUMN sku,
  DROP COLUMN material,
  DROP COLUMN quantity,
  DROP COLUMN work_order_status,
  ADD COLUMN channel text NOT NULL DEFAULT 'B2C' CHECK (channel IN ('B2C', 'B2B')),
  ADD COLUMN subtotal_cents integer,
  ADD COLUMN minimum_order_surcharge_cents integer NOT NULL DEFAULT 0,
  -- The MES's order version of the last production status applied (work_order_version was
  -- per work order, which cannot order the events of several).
  ADD COLUMN production_version integer NOT NULL DEFAULT 0,
  ADD COLUMN cancelled_by uuid,
  ADD COLUMN cancellation_reason text,
  ADD COLUMN cancelled_at timestamptz;
-- The MES numbers its production records anew (from 1): nothing applied yet by that count.
UPDATE orders SET subtotal_cents = total_cents;
ALTER TABLE orders ALTER COLUMN subtotal_cents SET NOT NULL, DROP COLUMN work_order_version;

CREATE INDEX order_lines_order_idx ON order_lines (order_id, line_no);

-- Quotes as the CRM sees them: requested (customer, file), priced; a NEEDS_REVIEW quote is a
-- manager's review, decided once (APPROVED at a maybe adjusted price, or REJECTED with a reason).
CREATE TABLE quotes (
  id uuid PRIMARY KEY,
  customer_id uuid,
  channel text,
  filename text,
  file jsonb,
  material_id text,
  quantity integer,
  lead_time text,
  requested_at timestamptz,
  -- From QuotePriced (null until priced).
  priced_status text,
  mode text,
  technology text,
  machine_id text,
  machine_seconds double precision,
  model jsonb,
  price jsonb,
  review_reasons jsonb,
  price_list_version text,
  valid_until timestamptz,
  priced_at timestamptz,
  -- The review, for NEEDS_REVIEW quotes.
  review_status text CHECK (review_status IN ('PENDING', 'APPROVED', 'REJECTED')),
  reviewed_by uuid,
  review_reason text,
  reviewed_price jsonb,
  reviewed_lead_time text,
  reviewed_at timestamptz,
  version integer NOT NULL DEFAULT 1
);
-- The review queue: pending first-come first-served, keyset by (priced_at, id).
CREATE INDEX quotes_review_queue_idx ON quotes (review_status, priced_at, id)
  WHERE review_status IS NOT NULL;
