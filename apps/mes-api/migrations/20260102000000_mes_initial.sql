CREATE TABLE work_orders (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL UNIQUE,
  status text NOT NULL,
  sku text NOT NULL,
  material text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  priority text NOT NULL CHECK (priority IN ('NORMAL', 'RUSH')),
  assignee_id uuid,
  version integer NOT NULL DEFAULT 1,
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_orders_status_created_idx ON work_orders (status, created_at);
CREATE INDEX work_orders_assignee_status_idx ON work_orders (assignee_id, status);

CREATE TABLE work_order_history (
  id bigserial PRIMARY KEY,
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  from_status text,
  to_status text NOT NULL,
  changed_by uuid,
  reason text,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX work_order_history_wo_idx ON work_order_history (work_order_id, id);
