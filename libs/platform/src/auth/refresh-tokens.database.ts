import { join } from 'node:path';
import type { ColumnType } from 'kysely';

type Nullable = ColumnType<Date | null, Date | null | undefined, Date | null>;

/**
 * The refresh tokens of an issuer's sessions (shop: customers, CRM: staff), in its own
 * database. One row per token, hashed; the tokens of one login share a family, which logout,
 * reuse and deactivation revoke as a whole.
 */
export interface RefreshTokenTables {
  refresh_tokens: {
    /** Hex SHA-256 of the opaque token. */
    token_hash: string;
    family_id: string;
    subject_id: string;
    issued_at: ColumnType<Date, Date | undefined, never>;
    expires_at: Date;
    /** When the family (the session) ends, however often it is refreshed. */
    family_expires_at: Date;
    /** Set when exchanged for a new pair: presenting it again is reuse. */
    used_at: Nullable;
    revoked_at: Nullable;
  };
}

/** The `refresh_tokens` migration, applied by `runService` to the services that sign tokens. */
export const AUTH_SESSIONS_MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');
