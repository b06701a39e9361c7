import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnauthorizedException } from '@nestjs/common';
import { decodeJwt } from 'jose';
import type { Kysely } from 'kysely';
import {
  AccessTokenIssuer,
  generateSigningJwk,
  hashRefreshToken,
  SigningKeys,
} from '@fabflow/auth';
import type { Role } from '@fabflow/contracts';
import { createDatabase, migrate, readMigrations, type Database } from '@fabflow/db';
import { createLogger } from '@fabflow/observability';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';
import { RefreshSessions } from './refresh-sessions';
import { AUTH_SESSIONS_MIGRATIONS_DIR, type RefreshTokenTables } from './refresh-tokens.database';

/* Refresh sessions on the real Postgres, with the migration the issuer services apply. */

const refused = (message: RegExp) => (err: unknown) =>
  err instanceof UnauthorizedException && message.test(err.message);

describe('RefreshSessions (real Postgres)', () => {
  let pg: TestDatabase;
  let database: Database<RefreshTokenTables>;
  let db: Kysely<RefreshTokenTables>;
  let issuer: AccessTokenIssuer;
  let clock = Date.now();
  const sessions = (lifetimes = { refreshTtlSeconds: 3600, sessionTtlSeconds: 7200 }) =>
    new RefreshSessions(
      db,
      issuer,
      lifetimes,
      createLogger({ service: 't', level: 'silent' }),
      () => new Date(clock),
    );
  const roles = new Map<string, Role>();
  const roleOf = (id: string) => Promise.resolve(roles.get(id));
  const live = async (family: string) =>
    (
      await db
        .selectFrom('refresh_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('family_id', '=', family)
        .where('revoked_at', 'is', null)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n;
  const familyOf = async (token: string) =>
    (
      await db
        .selectFrom('refresh_tokens')
        .select('family_id')
        .where('token_hash', '=', hashRefreshToken(token))
        .executeTakeFirstOrThrow()
    ).family_id;

  before(async () => {
    pg = await createTestDatabase('sessions');
    database = createDatabase<RefreshTokenTables>(pg.url);
    db = database.db;
    await migrate(database.pool, await readMigrations(AUTH_SESSIONS_MIGRATIONS_DIR));
    issuer = new AccessTokenIssuer(
      'fabflow-crm',
      await SigningKeys.load([await generateSigningJwk()]),
      60,
    );
  });
  after(async () => {
    await database?.close();
    await pg?.drop();
  });

  it('starts a session: an access token and a refresh token stored only as its hash', async () => {
    const s = await sessions().start('00000000-0000-7000-8000-000000000001', 'operator');
    assert.equal(decodeJwt(s.accessToken).sub, '00000000-0000-7000-8000-000000000001');
    assert.equal(s.refreshExpiresIn, 3600);
    assert.match(s.refreshToken, /^ffr_[A-Za-z0-9_-]{43}$/);
    const rows = await db.selectFrom('refresh_tokens').select('token_hash').execute();
    assert.ok(rows.some((r) => r.token_hash === hashRefreshToken(s.refreshToken)));
    assert.ok(rows.every((r) => !r.token_hash.includes(s.refreshToken)));
  });

  it('rotates on refresh, with the role read again; the old token is used up', async () => {
    const id = '00000000-0000-7000-8000-000000000002';
    roles.set(id, 'operator');
    const first = await sessions().start(id, 'operator');
    roles.set(id, 'manager');
    const second = await sessions().refresh(first.refreshToken, roleOf);
    assert.equal(second.role, 'manager');
    assert.equal(decodeJwt(second.accessToken).role, 'manager');
    assert.equal(await familyOf(second.refreshToken), await familyOf(first.refreshToken));
    assert.equal(await live(await familyOf(first.refreshToken)), 1, 'one live token per session');
  });

  it('revokes the whole family when a used token comes back (and so refuses the newer one too)', async () => {
    const id = '00000000-0000-7000-8000-000000000003';
    roles.set(id, 'operator');
    const first = await sessions().start(id, 'operator');
    const second = await sessions().refresh(first.refreshToken, roleOf);
    await assert.rejects(sessions().refresh(first.refreshToken, roleOf), refused(/already used/));
    await assert.rejects(
      sessions().refresh(second.refreshToken, roleOf),
      refused(/session has ended/),
    );
  });

  it('lets only one of two concurrent refreshes of one token win; the loser ends the session', async () => {
    const id = '00000000-0000-7000-8000-000000000004';
    roles.set(id, 'operator');
    const { refreshToken } = await sessions().start(id, 'operator');
    const results = await Promise.allSettled([
      sessions().refresh(refreshToken, roleOf),
      sessions().refresh(refreshToken, roleOf),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'one exchange per token');
    const winner = (won[0] as PromiseFulfilledResult<{ refreshToken: string }>).value;
    await assert.rejects(sessions().refresh(winner.refreshToken, roleOf), UnauthorizedException);
  });

  it('ends a session on logout, when its subject may no longer have one, and when it expires', async () => {
    const id = '00000000-0000-7000-8000-000000000005';
    roles.set(id, 'operator');
    const a = await sessions().start(id, 'operator');
    await sessions().logout(a.refreshToken);
    await sessions().logout(a.refreshToken); // idempotent
    await sessions().logout('ffr_unknown'); // nothing to end
    await assert.rejects(sessions().refresh(a.refreshToken, roleOf), refused(/session has ended/));

    const b = await sessions().start(id, 'operator');
    roles.delete(id);
    await assert.rejects(sessions().refresh(b.refreshToken, roleOf), refused(/session has ended/));
    assert.equal(await live(await familyOf(b.refreshToken)), 0);

    roles.set(id, 'operator');
    const c = await sessions({ refreshTtlSeconds: 60, sessionTtlSeconds: 600 }).start(
      id,
      'operator',
    );
    clock += 61_000;
    try {
      await assert.rejects(sessions().refresh(c.refreshToken, roleOf), refused(/expired/));
    } finally {
      clock -= 61_000;
    }
    await assert.rejects(
      sessions().refresh('ffr_unknown', roleOf),
      refused(/unknown refresh token/),
    );
  });

  it('never lets refreshes outlive the session: the last refresh token ends with it', async () => {
    const id = '00000000-0000-7000-8000-000000000006';
    roles.set(id, 'operator');
    const short = sessions({ refreshTtlSeconds: 600, sessionTtlSeconds: 900 });
    let s = await short.start(id, 'operator');
    clock += 500_000;
    try {
      s = await short.refresh(s.refreshToken, roleOf);
      assert.equal(s.refreshExpiresIn, 400, 'capped at the session end, not 600 s');
      clock += 401_000;
      await assert.rejects(short.refresh(s.refreshToken, roleOf), refused(/expired/));
    } finally {
      clock -= 901_000;
    }
  });

  it('revokes every session of a subject (deactivation) and sweeps ended ones', async () => {
    const id = '00000000-0000-7000-8000-000000000007';
    roles.set(id, 'operator');
    const [a, b] = [await sessions().start(id, 'operator'), await sessions().start(id, 'operator')];
    await sessions().refresh(a.refreshToken, roleOf);
    assert.equal(await sessions().revokeSubject(id), 2, 'two sessions');
    await assert.rejects(sessions().refresh(b.refreshToken, roleOf), refused(/session has ended/));
    assert.equal(await sessions().revokeSubject(id), 0);

    clock += 7200_000 + 86_400_000 + 1000;
    try {
      assert.ok((await sessions().sweep()) >= 3, 'ended more than a day ago: deleted');
    } finally {
      clock -= 7200_000 + 86_400_000 + 1000;
    }
  });
});
