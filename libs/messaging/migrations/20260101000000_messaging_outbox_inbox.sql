-- Transactional outbox: written in the business transaction, published by the relay.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  exchange text NOT NULL,
  routing_key text NOT NULL,
  type text NOT NULL,
  subject text NOT NULL,
  aggregate_version integer NOT NULL,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX outbox_unpublished_idx ON outbox (created_at) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Inbox: one row per (consumer, message) handled, written in the handler's transaction.
CREATE TABLE inbox (
  consumer text NOT NULL,
  message_id uuid NOT NULL,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (consumer, message_id)
);
