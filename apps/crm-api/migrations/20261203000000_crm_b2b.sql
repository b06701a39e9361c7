-- B2B: tiers (limits), organisations (B2B accounts) and their API keys (prefix + SHA-256 only).
CREATE TABLE b2b_tiers (
  id text PRIMARY KEY,
  name text NOT NULL,
  requests_per_minute integer NOT NULL CHECK (requests_per_minute > 0),
  burst integer NOT NULL CHECK (burst > 0),
  daily_order_quota integer NOT NULL CHECK (daily_order_quota >= 0),
  daily_quote_quota integer NOT NULL CHECK (daily_quote_quota >= 0),
  max_concurrent_pricing_jobs integer NOT NULL CHECK (max_concurrent_pricing_jobs > 0),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO b2b_tiers (id, name, requests_per_minute, burst, daily_order_quota, daily_quote_quota, max_concurrent_pricing_jobs) VALUES
  ('STARTER', 'Starter', 600, 20, 100, 500, 2),
  ('GROWTH', 'Growth', 1200, 40, 1000, 5000, 5),
  ('ENTERPRISE', 'Enterprise', 6000, 200, 10000, 50000, 20);

-- A B2B organisation is also an account (kind B2B), with the same id.
CREATE TABLE organisations (
  id uuid PRIMARY KEY REFERENCES accounts (id),
  name text NOT NULL,
  tier_id text NOT NULL REFERENCES b2b_tiers (id),
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  contact_emails text[] NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_tier_idx ON organisations (tier_id);
CREATE INDEX organisations_created_idx ON organisations (created_at DESC);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  name text,
  prefix text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  scopes text[] NOT NULL,
  status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'REVOKED')),
  -- When the key stops working: set by a rotation (end of the grace) or a revocation (now).
  expires_at timestamptz,
  rotated_from uuid REFERENCES api_keys (id),
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by uuid
);
CREATE INDEX api_keys_organisation_idx ON api_keys (organisation_id, created_at DESC);

-- What the organisation's managers were told. There is no email service: notifications are
-- recorded here (and logged); a mailer would send the unsent ones.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  kind text NOT NULL,
  recipients text[] NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  source_event_id uuid UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_organisation_idx ON notifications (organisation_id, created_at DESC);
