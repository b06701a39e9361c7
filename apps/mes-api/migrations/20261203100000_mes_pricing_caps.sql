-- Per-account concurrency caps of pricing jobs (issue 7). The B2B account (account_id, already
-- recorded) and its tier's cap as the QuoteRequested event carried it: the cap a job is held to is
-- the one at request time, so a tier change applies to the quotes requested after it.
ALTER TABLE pricing_jobs
  ADD COLUMN max_concurrent_jobs integer CHECK (max_concurrent_jobs IS NULL OR max_concurrent_jobs > 0);
-- The dispatcher's count of an account's jobs in flight (enqueued or running, not finished).
CREATE INDEX pricing_jobs_account_open_idx ON pricing_jobs (account_id)
  WHERE status IN ('QUEUED', 'RUNNING') AND account_id IS NOT NULL;
