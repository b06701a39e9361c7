-- A deactivated staff member cannot log in or refresh, and their access tokens are revoked
-- (POST /staff/:id/deactivate); their sessions live in refresh_tokens (libs/platform).
ALTER TABLE staff_users ADD COLUMN deactivated_at timestamptz;
