CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  kind text NOT NULL DEFAULT 'B2C',
  email text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('manager', 'operator', 'admin')),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));

-- The manager's view of every order.
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  status text NOT NULL,
  item jsonb NOT NULL,
  sku text NOT NULL,
  material text NOT NULL,
  quantity integer NOT NULL,
  total_cents integer NOT NULL,
  currency char(3) NOT NULL,
  work_order_status text,
  work_order_version integer NOT NULL DEFAULT 0,
  approved_by uuid,
  note text,
  version integer NOT NULL DEFAULT 1,
  placed_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_placed_idx ON orders (status, placed_at);

-- Every event of every order, append-only: "where is order X and why".
CREATE TABLE order_timeline (
  id bigserial PRIMARY KEY,
  order_id uuid NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  source text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  correlation_id text,
  traceparent text,
  data jsonb NOT NULL
);
CREATE INDEX order_timeline_order_idx ON order_timeline (order_id, occurred_at, id);
