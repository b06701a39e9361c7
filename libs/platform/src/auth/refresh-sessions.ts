import { randomUUID } from 'node:crypto';
import {
  UnauthorizedException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { hashRefreshToken, newRefreshToken, type AccessTokenIssuer } from '@fabflow/auth';
import type { Role } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import type { RefreshTokenTables } from './refresh-tokens.database';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** What a login or a refresh answers (TokenResponse). */
export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  role: Role;
  userId: string;
}

/**
 * The issuer's word on a session's subject at each refresh: its current role, or undefined when
 * it may no longer have a session (deleted, deactivated), which ends the session.
 */
export type SessionSubjectRole = (subjectId: string) => Promise<Role | undefined>;

export interface SessionLifetimes {
  /** One refresh token's lifetime (AUTH_REFRESH_TTL_SECONDS). */
  refreshTtlSeconds: number;
  /** A session's longest life from login (AUTH_SESSION_TTL_SECONDS). */
  sessionTtlSeconds: number;
}

const ENDED = 'the session has ended; log in again';

/**
 * Sessions of an issuer service: a login starts one (a family of refresh tokens); each refresh
 * uses its token up and gives a new pair, with the role read again; presenting a used token
 * again (a stolen copy, or the thief's after the owner's) revokes the whole family; logout
 * revokes it too. Only SHA-256 hashes of the tokens are stored.
 */
export class RefreshSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly repo: RefreshTokensRepository;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<RefreshTokenTables>,
    private readonly issuer: AccessTokenIssuer,
    private readonly lifetimes: SessionLifetimes,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new RefreshTokensRepository(db);
  }

  async start(subjectId: string, role: Role): Promise<SessionTokens> {
    const now = this.now();
    const familyExpiresAt = new Date(now.getTime() + this.lifetimes.sessionTtlSeconds * 1000);
    const refresh = await this.newRefreshToken(this.db, randomUUID(), subjectId, familyExpiresAt);
    return this.tokens(subjectId, role, refresh);
  }

  /** A new pair for a live refresh token; 401 for any other, ending its session on reuse. */
  async refresh(token: string, roleOf: SessionSubjectRole): Promise<SessionTokens> {
    const hash = hashRefreshToken(token);
    const now = this.now();
    // Using the old token up and storing the new one commit together: a failure leaves the
    // old one usable rather than the client with neither.
    const outcome = await this.db.transaction().execute(async (tx) => {
      const claimed = await this.repo.claim(tx, hash, now);
      if (!claimed) return undefined;
      const role = await roleOf(claimed.subjectId);
      if (!role) {
        await this.repo.revokeFamily(claimed.familyId, now, tx);
        return { claimed, role };
      }
      const { familyId, subjectId, familyExpiresAt } = claimed;
      const refresh = await this.newRefreshToken(tx, familyId, subjectId, familyExpiresAt);
      return { claimed, role, refresh };
    });
    if (!outcome) return this.refuse(hash, now);
    if (!outcome.role || !outcome.refresh) throw new UnauthorizedException(ENDED);
    return this.tokens(outcome.claimed.subjectId, outcome.role, outcome.refresh);
  }

  /** Ends the token's session (idempotent; an unknown token changes nothing). */
  async logout(token: string): Promise<void> {
    const row = await this.repo.find(hashRefreshToken(token));
    if (row) await this.repo.revokeFamily(row.family_id, this.now());
  }

  /** Ends every session of a subject; how many were live. */
  revokeSubject(subjectId: string): Promise<number> {
    return this.repo.revokeSubject(subjectId, this.now());
  }

  /** Deletes the tokens of sessions ended more than a day ago. */
  sweep(): Promise<number> {
    return this.repo.deleteEnded(new Date(this.now().getTime() - 86_400_000));
  }

  onApplicationBootstrap(): void {
    const sweep = () =>
      this.sweep().catch((err: Error) =>
        this.logger.warn({ err: err.message }, 'ended refresh tokens not swept; retrying later'),
      );
    this.sweeper = setInterval(() => void sweep(), 3_600_000);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private async refuse(hash: string, now: Date): Promise<never> {
    const row = await this.repo.find(hash);
    if (!row) throw new UnauthorizedException('unknown refresh token');
    if (row.revoked_at) throw new UnauthorizedException(ENDED);
    if (row.used_at) {
      const revoked = await this.repo.revokeFamily(row.family_id, now);
      this.logger.warn(
        { subjectId: row.subject_id, familyId: row.family_id, revoked },
        'refresh token presented twice: its session is revoked',
      );
      throw new UnauthorizedException('refresh token already used: the session has been ended');
    }
    throw new UnauthorizedException('the session has expired; log in again');
  }

  private async newRefreshToken(
    db: Kysely<RefreshTokenTables>,
    familyId: string,
    subjectId: string,
    familyExpiresAt: Date,
  ): Promise<{ token: string; expiresIn: number }> {
    const now = this.now().getTime();
    const expiresAt = new Date(
      Math.min(now + this.lifetimes.refreshTtlSeconds * 1000, familyExpiresAt.getTime()),
    );
    const { token, hash } = newRefreshToken();
    await this.repo.insert(db, { hash, familyId, subjectId, expiresAt, familyExpiresAt });
    return { token, expiresIn: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)) };
  }

  private async tokens(
    userId: string,
    role: Role,
    refresh: { token: string; expiresIn: number },
  ): Promise<SessionTokens> {
    const access = await this.issuer.issue({ userId, role });
    return {
      ...access,
      tokenType: 'Bearer',
      refreshToken: refresh.token,
      refreshExpiresIn: refresh.expiresIn,
      role,
      userId,
    };
  }
}
