CREATE TABLE customers (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));

-- The fixed price list of the foundation; quotes replace it for custom models.
CREATE TABLE catalog_items (
  sku text PRIMARY KEY,
  name text NOT NULL,
  material text NOT NULL,
  unit_price_cents integer NOT NULL CHECK (unit_price_cents > 0),
  currency char(3) NOT NULL,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO catalog_items (sku, name, material, unit_price_cents, currency) VALUES
  ('PLA-BRACKET-01', 'Mounting bracket (FDM, PLA)', 'PLA', 1250, 'EUR'),
  ('PA12-GEAR-20', 'Spur gear, 20 teeth (SLS, PA12)', 'PA12', 3400, 'EUR'),
  ('RESIN-MINI-05', 'Miniature figure (SLA, standard resin)', 'RESIN_STD', 1990, 'EUR');

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  sku text NOT NULL REFERENCES catalog_items (sku),
  name text NOT NULL,
  material text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL,
  total_cents integer NOT NULL,
  currency char(3) NOT NULL,
  status text NOT NULL,
  idempotency_key text,
  request_hash text,
  -- Last applied version of the CRM order and of the work order (projections apply newer only).
  crm_version integer NOT NULL DEFAULT 0,
  work_order_version integer NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX orders_idempotency_key ON orders (customer_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX orders_customer_idx ON orders (customer_id, placed_at DESC);

CREATE TABLE order_status_history (
  id bigserial PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  status text NOT NULL,
  source text NOT NULL,
  note text,
  event_id uuid,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, id);
