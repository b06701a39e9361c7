-- The stuck-order detector asks, per status, for orders unchanged since before a cutoff.
CREATE INDEX orders_status_updated_idx ON orders (status, updated_at);
