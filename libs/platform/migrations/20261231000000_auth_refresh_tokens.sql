-- Sessions of a token issuer (the shop: customers, the CRM: staff), in its own database: one row
-- per refresh token (only its SHA-256), the tokens of one login in a family that logout, reuse of
-- a used token and deactivation revoke as a whole (libs/platform RefreshSessions). Applied to
-- the services that sign tokens.
CREATE TABLE refresh_tokens (
  token_hash        text PRIMARY KEY,
  family_id         uuid NOT NULL,
  subject_id        uuid NOT NULL,
  issued_at         timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  family_expires_at timestamptz NOT NULL,
  used_at           timestamptz,
  revoked_at        timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_subject ON refresh_tokens (subject_id) WHERE revoked_at IS NULL;
CREATE INDEX refresh_tokens_ended ON refresh_tokens (family_expires_at);
