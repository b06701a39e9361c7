-- Model files the customers upload: the bytes live in object storage under `key`
-- (models/<customer>/<file>); a file is usable (READY) once the shop has checked the object's
-- size, streamed its SHA-256 and recognised its format.
CREATE TABLE model_files (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  filename text NOT NULL,
  unit text NOT NULL CHECK (unit IN ('mm', 'cm', 'inch')),
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  status text NOT NULL CHECK (status IN ('PENDING_UPLOAD', 'READY')),
  bucket text NOT NULL,
  key text NOT NULL UNIQUE,
  sha256 text,
  format text CHECK (format IN ('STL_BINARY', 'STL_ASCII', '3MF')),
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  CHECK (status <> 'READY' OR (sha256 IS NOT NULL AND format IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX model_files_customer_idx ON model_files (customer_id, created_at DESC);

-- The MES's published price lists (projection of PriceListPublished): the materials and lead
-- times the shop offers. The current one is the most recently published.
CREATE TABLE price_lists (
  version text PRIMARY KEY,
  currency char(3) NOT NULL,
  materials jsonb NOT NULL,
  lead_times jsonb NOT NULL,
  published_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX price_lists_current_idx ON price_lists (published_at DESC, version DESC);

-- The customer's view of a quote. CALCULATING until the MES's pricing job reports a result
-- (QuotePriced / QuoteFailed); progress comes from QuoteProgressed.
CREATE TABLE quotes (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  file_id uuid NOT NULL REFERENCES model_files (id),
  material_id text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  lead_time text NOT NULL CHECK (lead_time IN ('ECONOMY', 'STANDARD', 'EXPRESS')),
  -- The requested mode; price_mode is what the price turned out to be.
  mode text NOT NULL CHECK (mode IN ('INDICATIVE', 'FIRM')),
  status text NOT NULL CHECK (
    status IN ('DRAFT', 'CALCULATING', 'READY', 'ACCEPTED', 'FAILED', 'EXPIRED', 'NEEDS_REVIEW')
  ),
  progress_stage text,
  progress_fraction double precision NOT NULL DEFAULT 0,
  progress_overall double precision NOT NULL DEFAULT 0,
  progress_at timestamptz,
  price_mode text CHECK (price_mode IN ('INDICATIVE', 'FIRM')),
  price jsonb,
  model jsonb,
  review_reasons jsonb NOT NULL DEFAULT '[]',
  -- What the engine decided beyond the price: technology, machine, parts per build, versions.
  pricing jsonb,
  failure_code text,
  failure_reason text,
  valid_until timestamptz,
  -- Last applied version of the MES's pricing job (its events apply only when newer), and the
  -- row's own revision, bumped on every change (the id of each progress-stream event).
  mes_version integer NOT NULL DEFAULT 0,
  revision integer NOT NULL DEFAULT 1,
  idempotency_key text,
  request_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('READY', 'ACCEPTED') OR (price IS NOT NULL AND valid_until IS NOT NULL))
);
CREATE INDEX quotes_customer_idx ON quotes (customer_id, created_at DESC);
CREATE UNIQUE INDEX quotes_idempotency_key ON quotes (customer_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- The expiry sweep looks for priced quotes past their validity.
CREATE INDEX quotes_expiry_idx ON quotes (valid_until) WHERE status IN ('READY', 'NEEDS_REVIEW');
