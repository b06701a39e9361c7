-- Orders have 1 to 50 lines, one quote each. The single-item columns of orders become
-- order_lines rows: a former order's one line has the order's own id (as `linesOfLegacyOrder`
-- reads a version-1 event, so the CRM and the MES name that line the same way).
CREATE TABLE order_lines (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  line_no smallint NOT NULL CHECK (line_no BETWEEN 1 AND 50),
  quote_id uuid REFERENCES quotes (id),
  -- Only lines of orders of the former fixed catalogue have one (and no quote).
  sku text,
  name text NOT NULL,
  material text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
  -- The line's price: its quote's total without the quote's own minimum-price top-up when the
  -- order applies the price list's minimum once (see minimum_order_surcharge_cents).
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  status text NOT NULL DEFAULT 'PENDING' CHECK (
    status IN ('PENDING', 'IN_PRODUCTION', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'ON_HOLD')
  ),
  -- The MES's line version of the last line status applied (0: none yet).
  line_version integer NOT NULL DEFAULT 0,
  -- What the MES did with the line when it was cancelled (OrderCancellationApplied).
  cancellation_outcome text CHECK (
    cancellation_outcome IN ('CANCELLED', 'HELD_IN_PRODUCTION', 'ALREADY_SHIPPED', 'NOT_SCHEDULED')
  ),
  CHECK (quote_id IS NOT NULL OR sku IS NOT NULL),
  UNIQUE (order_id, line_no)
);
-- A quote is in at most one live line (the second line of defence behind locking the quote and
-- moving it to ACCEPTED): a cancelled line's quote is released and may be ordered again. A line
-- found shipped after its cancellation (ALREADY_SHIPPED) is a fact, not an order, so it is left out.
CREATE UNIQUE INDEX order_lines_live_quote_key ON order_lines (quote_id)
  WHERE status <> 'CANCELLED' AND cancellation_outcome IS NULL;
CREATE INDEX order_lines_quote_idx ON order_lines (quote_id);

INSERT INTO order_lines (id, order_id, line_no, quote_id, sku, name, material, quantity,
                         unit_price_cents, total_cents, status)
SELECT id, id, 1, quote_id, sku, name, material, quantity, unit_price_cents, total_cents,
       CASE status
         WHEN 'IN_PRODUCTION' THEN 'IN_PRODUCTION'
         WHEN 'SHIPPED' THEN 'SHIPPED'
         WHEN 'DELIVERED' THEN 'DELIVERED'
         WHEN 'CANCELLED' THEN 'CANCELLED'
         WHEN 'ON_HOLD' THEN 'ON_HOLD'
         ELSE 'PENDING'
       END
  FROM orders;

-- A cancelled order's quotes are released from now on (READY again while valid, else EXPIRED):
-- so are those of orders cancelled before.
UPDATE quotes SET status = CASE WHEN valid_until > now() THEN 'READY' ELSE 'EXPIRED' END,
                  revision = revision + 1, updated_at = now()
 WHERE status = 'ACCEPTED'
   AND id IN (SELECT quote_id FROM order_lines WHERE status = 'CANCELLED');

ALTER TABLE orders DROP CONSTRAINT orders_item_check;
ALTER TABLE orders
  DROP COLUMN quote_id,
  DROP COLUMN sku,
  DROP COLUMN name,
  DROP COLUMN material,
  DROP COLUMN quantity,
  DROP COLUMN unit_price_cents,
  -- Σ line totals; total_cents = subtotal + the top-up to the price list's minimum order value.
  ADD COLUMN subtotal_cents integer,
  ADD COLUMN minimum_order_surcharge_cents integer NOT NULL DEFAULT 0
    CHECK (minimum_order_surcharge_cents >= 0),
  -- The MES's order version of the last production status applied (WorkOrderStatusChanged v2,
  -- OrderCancellationApplied). work_order_version stays for version-1 events still in flight:
  -- work-order versions restart with a replacement work order, so they cannot order an order's
  -- events. Former orders start at 0: the MES numbers their production records from 1.
  ADD COLUMN production_version integer NOT NULL DEFAULT 0,
  ADD COLUMN cancelled_by text CHECK (cancelled_by IN ('CUSTOMER', 'MANAGER')),
  ADD COLUMN cancellation_reason text,
  ADD COLUMN cancelled_at timestamptz;
UPDATE orders SET subtotal_cents = total_cents;
ALTER TABLE orders ALTER COLUMN subtotal_cents SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_total_check
  CHECK (total_cents = subtotal_cents + minimum_order_surcharge_cents);

-- The minimum order value of a price list (PriceListPublished.minimumOrderCents), applied once
-- per order; null for lists published without one (then lines keep their own top-up).
ALTER TABLE price_lists ADD COLUMN minimum_order_cents integer CHECK (minimum_order_cents >= 0);

-- A NEEDS_REVIEW quote is reviewed by a manager in the CRM (QuoteReviewed): READY at the
-- reviewed price (FIRM, price_source REVIEWED), or FAILED with the reason.
ALTER TABLE quotes
  ADD COLUMN price_source text CHECK (price_source IN ('ENGINE', 'REVIEWED')),
  ADD COLUMN review_decision text CHECK (review_decision IN ('APPROVED', 'REJECTED')),
  ADD COLUMN review_reason text,
  ADD COLUMN reviewed_at timestamptz;
UPDATE quotes SET price_source = 'ENGINE' WHERE price IS NOT NULL;

-- The B2C customer's cart: quotes of the customer's to order together (POST /cart/checkout). A
-- quote leaves the cart when it is ordered (by checkout or otherwise), in the order's transaction.
CREATE TABLE cart_items (
  customer_id uuid NOT NULL REFERENCES customers (id),
  quote_id uuid NOT NULL REFERENCES quotes (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, quote_id)
);
