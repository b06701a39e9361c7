-- One idempotency mechanism for every POST that takes an Idempotency-Key: B2C orders and quotes
-- as well as every B2B POST. The stored first answers move from b2b_idempotency_keys (B2B only,
-- per API key) to idempotency_keys, scoped per principal: 'api-key:<id>' or 'customer:<id>'.
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
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
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

INSERT INTO idempotency_keys (scope, key, fingerprint, method, path, status, response_status,
    response_headers, response_body, created_at, locked_until, completed_at, expires_at)
  SELECT 'api-key:' || api_key_id, key, fingerprint, method, path, status, response_status,
      response_headers, response_body, created_at, locked_until, completed_at, expires_at
  FROM b2b_idempotency_keys;
DROP TABLE b2b_idempotency_keys;

-- Orders no longer carry a key: the stored answer replays a retry, and a quote is ordered at
-- most once (its row is locked and becomes ACCEPTED), so no retry can make a second order.
DROP INDEX orders_idempotency_key;
ALTER TABLE orders DROP COLUMN idempotency_key, DROP COLUMN request_hash;

-- Quotes keep `<principal id>:<Idempotency-Key>` under their unique (customer_id,
-- idempotency_key) index as the second line of defence: the business write and the stored
-- answer are two commits, and a retry after an instance died between them must not make a
-- second quote. The request hash is the stored answer's fingerprint now.
ALTER TABLE quotes DROP COLUMN request_hash;
