-- Pricing: one job per quote (the MES's record of the calculation, written by the quote.requested
-- handler, dispatched into BullMQ, run and finished by the pricing worker), the engine-result
-- cache, and when a price list was announced to the shop.
CREATE TABLE pricing_jobs (
  quote_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('B2C', 'B2B')),
  account_id uuid,
  -- BullMQ priority (lower runs sooner), from the channel when the job was recorded.
  priority integer NOT NULL CHECK (priority >= 0),
  -- The model file as the shop recorded it (ModelFileRef: bucket, key, sha256, size, format, unit).
  file jsonb NOT NULL,
  material_id text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  lead_time text NOT NULL CHECK (lead_time IN ('ECONOMY', 'STANDARD', 'EXPRESS')),
  requested_mode text NOT NULL CHECK (requested_mode IN ('INDICATIVE', 'FIRM')),
  -- The mode the price was made in (FIRM when asked, or by the size/value rules); set with the result.
  mode text CHECK (mode IN ('INDICATIVE', 'FIRM')),
  status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
  -- Of the quote.requested delivery that recorded the job: the worker continues its correlation
  -- and its trace (the dispatcher's publish span is a child of this context).
  correlation_id text,
  trace_context jsonb,
  requested_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- Set by the dispatcher once the BullMQ job exists; NULL rows are (re-)dispatched.
  enqueued_at timestamptz,
  -- First start by a worker, and how many runs have started (re-runs after a crash or an error).
  started_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  finished_at timestamptz,
  progress_stage text,
  progress_overall real,
  -- DONE: the priced model (PricedModel: model summary, price breakdown, review reasons).
  result jsonb,
  price_list_version text,
  -- FAILED: the engine's (or INTERNAL/TIMEOUT) code and a reason the customer can act on.
  failure_code text,
  failure_reason text,
  cache_hit boolean,
  -- Aggregate version of every event about the quote from the MES (progress, priced, failed).
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (status <> 'DONE' OR result IS NOT NULL),
  CHECK (status <> 'FAILED' OR failure_code IS NOT NULL)
);
-- The dispatcher's claim: undispatched jobs, most urgent first.
CREATE INDEX pricing_jobs_undispatched_idx ON pricing_jobs (priority, created_at)
  WHERE enqueued_at IS NULL;
-- Metrics and operators: unfinished jobs by status and channel, oldest first.
CREATE INDEX pricing_jobs_open_idx ON pricing_jobs (status, channel, created_at)
  WHERE status IN ('QUEUED', 'RUNNING');

-- Engine results by everything that decides them: file sha256, unit, material, quantity, lead
-- time, mode, price-list version, the machines and the engine version (hashed into cache_key).
CREATE TABLE pricing_results_cache (
  cache_key text PRIMARY KEY,
  file_sha256 text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('INDICATIVE', 'FIRM')),
  price_list_version text NOT NULL,
  engine_version text NOT NULL,
  -- The key's parts, readable.
  params jsonb NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  hits integer NOT NULL DEFAULT 0,
  last_used_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX pricing_results_cache_file_idx ON pricing_results_cache (file_sha256);
CREATE INDEX pricing_results_cache_last_used_idx ON pricing_results_cache (last_used_at);

-- When the shop was told about a price list (PriceListPublished); NULL: not yet.
ALTER TABLE price_lists ADD COLUMN published_at timestamptz;
