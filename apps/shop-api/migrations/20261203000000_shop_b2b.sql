-- B2B: the projection of API keys, organisations and tiers fed by CRM events (newer versions
-- only), idempotency records of B2B POSTs, and webhook subscriptions with their deliveries.
CREATE TABLE b2b_tiers (
  id text PRIMARY KEY,
  name text NOT NULL,
  requests_per_minute integer NOT NULL,
  burst integer NOT NULL,
  daily_order_quota integer NOT NULL,
  daily_quote_quota integer NOT NULL,
  max_concurrent_pricing_jobs integer NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE b2b_organisations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  status text NOT NULL,
  tier_id text NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE b2b_api_keys (
  id uuid PRIMARY KEY,
  prefix text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  organisation_id uuid NOT NULL,
  scopes text[] NOT NULL,
  status text NOT NULL,
  -- The key works while expires_at is null or in the future (rotation grace, revocation).
  expires_at timestamptz,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (API key, Idempotency-Key): claimed by the first request, then its response.
CREATE TABLE b2b_idempotency_keys (
  api_key_id uuid NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  status text NOT NULL CHECK (status IN ('IN_FLIGHT', 'COMPLETE')),
  response_status integer,
  response_headers jsonb,
  response_body bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- An in-flight claim whose holder died can be taken over after this.
  locked_until timestamptz NOT NULL,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (api_key_id, key)
);
CREATE INDEX b2b_idempotency_keys_expires_idx ON b2b_idempotency_keys (expires_at);

CREATE TABLE b2b_webhook_subscriptions (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL,
  url text NOT NULL,
  events text[] NOT NULL,
  description text,
  -- AES-256-GCM with WEBHOOK_ENCRYPTION_KEY: HMAC signing needs the secret itself.
  secret_encrypted text NOT NULL,
  previous_secret_encrypted text,
  previous_secret_expires_at timestamptz,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED', 'DELETED')),
  disabled_reason text,
  disabled_at timestamptz,
  -- Set by the first failure after a success; the subscription is disabled when it is too old.
  failing_since timestamptz,
  created_by_key_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX b2b_webhook_subscriptions_org_idx ON b2b_webhook_subscriptions (organisation_id, created_at);

CREATE TABLE b2b_webhook_deliveries (
  id uuid PRIMARY KEY,
  -- The event's id: the same on every attempt and redelivery (Fabflow-Event-Id).
  event_id uuid NOT NULL,
  subscription_id uuid NOT NULL REFERENCES b2b_webhook_subscriptions (id),
  organisation_id uuid NOT NULL,
  event_type text NOT NULL,
  -- The exact bytes POSTed: {"id","type","createdAt","data"}.
  body text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERING', 'SUCCEEDED', 'FAILED')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (subscription_id, event_id)
);
-- The deliverer's claim: due pending rows, and stale in-flight ones.
CREATE INDEX b2b_webhook_deliveries_due_idx ON b2b_webhook_deliveries (next_attempt_at)
  WHERE status IN ('PENDING', 'DELIVERING');
CREATE INDEX b2b_webhook_deliveries_sub_idx ON b2b_webhook_deliveries (subscription_id, created_at DESC);
CREATE INDEX b2b_webhook_deliveries_org_event_idx ON b2b_webhook_deliveries (organisation_id, event_id);

CREATE TABLE b2b_webhook_attempts (
  id bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES b2b_webhook_deliveries (id),
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  status_code integer,
  error text,
  outcome text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'RETRY', 'FAILED'))
);
CREATE INDEX b2b_webhook_attempts_delivery_idx ON b2b_webhook_attempts (delivery_id, id);
