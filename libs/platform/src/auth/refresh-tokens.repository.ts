import type { Kysely } from 'kysely';
import type { RefreshTokenTables } from './refresh-tokens.database';

type Db = Kysely<RefreshTokenTables>;

export interface RefreshTokenRow {
  familyId: string;
  subjectId: string;
  familyExpiresAt: Date;
}

/** The `refresh_tokens` table of an issuer service. */
export class RefreshTokensRepository {
  constructor(private readonly db: Db) {}

  async insert(
    db: Db,
    t: {
      hash: string;
      familyId: string;
      subjectId: string;
      expiresAt: Date;
      familyExpiresAt: Date;
    },
  ): Promise<void> {
    await db
      .insertInto('refresh_tokens')
      .values({
        token_hash: t.hash,
        family_id: t.familyId,
        subject_id: t.subjectId,
        expires_at: t.expiresAt,
        family_expires_at: t.familyExpiresAt,
      })
      .execute();
  }

  /**
   * Uses the token up when it is live (not used, not revoked, not expired), atomically: of two
   * concurrent exchanges of one token, one gets the row and the other sees it used.
   */
  async claim(db: Db, hash: string, now: Date): Promise<RefreshTokenRow | undefined> {
    const row = await db
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['family_id', 'subject_id', 'family_expires_at'])
      .executeTakeFirst();
    return row
      ? {
          familyId: row.family_id,
          subjectId: row.subject_id,
          familyExpiresAt: row.family_expires_at,
        }
      : undefined;
  }

  find(hash: string) {
    return this.db
      .selectFrom('refresh_tokens')
      .select(['family_id', 'subject_id', 'used_at', 'revoked_at', 'expires_at'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  }

  async revokeFamily(familyId: string, now: Date, db: Db = this.db): Promise<number> {
    const r = await db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Revokes every live session of a subject; the number of sessions (families) ended. */
  async revokeSubject(subjectId: string, now: Date): Promise<number> {
    const rows = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('subject_id', '=', subjectId)
      .where('revoked_at', 'is', null)
      .where('family_expires_at', '>', now)
      .returning('family_id')
      .execute();
    return new Set(rows.map((r) => r.family_id)).size;
  }

  /** Drops the tokens of sessions that ended before `before`. */
  async deleteEnded(before: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('refresh_tokens')
      .where('family_expires_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
