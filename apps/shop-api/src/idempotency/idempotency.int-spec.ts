import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BadRequestException,
  ConflictException,
  InternalServerErrorException,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, of, type Observable } from 'rxjs';
import { sql } from 'kysely';
import { createDatabase, migrate, readMigrations, uuidv7, type Database } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR } from '@fabflow/messaging';
import { createLogger } from '@fabflow/observability';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';
import type { IdempotencyConfig } from './idempotency.config';
import type { IdempotencyDatabase } from './idempotency.database';
import { requestFingerprint } from './idempotency-key';
import { IdempotencyCleanupJob } from './idempotency-cleanup.job';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';
import { Idempotent } from './idempotent.decorator';

/*
 * The interceptor and its repository on the real Postgres (the shop's migrations). The route
 * handler is a stand-in the test controls (fast, slow, failing): the interceptor is what is
 * under test, and it only sees the handler's Observable and the @Idempotent() metadata of the
 * stand-in controllers below (a B2B one: key required, per API key; a B2C one: key optional,
 * per customer).
 */
const apiKeyId = uuidv7();

@Idempotent({ required: true, principal: () => ({ kind: 'api-key', id: apiKeyId }) })
class B2bThings {
  create(this: void): void {}
}

class B2cThings {
  @Idempotent()
  create(this: void): void {}
}
interface FakeReply {
  statusCode: number;
  headers: Record<string, string>;
  header(name: string, value: string): FakeReply;
  getHeader(name: string): string | undefined;
}

function reply(status = 201): FakeReply {
  return {
    statusCode: status,
    headers: {},
    header(name, value) {
      this.headers[name.toLowerCase()] = value;
      return this;
    },
    getHeader(name) {
      return this.headers[name.toLowerCase()];
    },
  };
}

describe('Idempotency-Key interceptor (real Postgres)', () => {
  let tdb: TestDatabase;
  let database: Database<IdempotencyDatabase>;
  let repo: IdempotencyRepository;
  const logger = createLogger({ service: 'idem-test', level: 'silent' });
  const config = {
    IDEMPOTENCY_TTL_HOURS: 24,
    IDEMPOTENCY_INFLIGHT_WAIT_MS: 300,
    IDEMPOTENCY_LEASE_MS: 60_000,
  } as IdempotencyConfig;
  let interceptor: IdempotencyInterceptor;

  before(async () => {
    tdb = await createTestDatabase('idem');
    database = createDatabase<IdempotencyDatabase>(tdb.url);
    await migrate(
      database.pool,
      await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations')),
    );
    repo = new IdempotencyRepository(database.db);
    interceptor = new IdempotencyInterceptor(repo, new Reflector(), config, logger);
  });

  after(async () => {
    await database?.close();
    await tdb?.drop();
  });

  const call = async (
    key: string | undefined,
    body: unknown,
    handler: (r: FakeReply) => Observable<unknown> | Promise<unknown>,
    r: FakeReply = reply(),
    route: { controller: 'b2b' } | { controller: 'b2c'; customerId: string } = {
      controller: 'b2b',
    },
  ) => {
    const req = {
      method: 'POST',
      url: route.controller === 'b2b' ? '/b2b/v1/things' : '/things',
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
      principal: route.controller === 'b2c' ? { userId: route.customerId } : undefined,
    };
    const [cls, method] =
      route.controller === 'b2b'
        ? [B2bThings, B2bThings.prototype.create]
        : [B2cThings, B2cThings.prototype.create];
    const ctx = {
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => r }),
      getHandler: () => method,
      getClass: () => cls,
    } as unknown as ExecutionContext;
    let ran = 0;
    const next: CallHandler = {
      handle: () => {
        ran += 1;
        const out = handler(r);
        return out instanceof Promise ? from(out) : out;
      },
    };
    const out: unknown = await lastValueFrom(await interceptor.intercept(ctx, next));
    // Without a key the handler's own value goes through untouched (Nest serialises it).
    const res = out instanceof Response ? out : Response.json(out, { status: r.statusCode });
    return {
      res,
      ran,
      reply: r,
      bytes: Buffer.from(await res.arrayBuffer()),
      passedThrough: !(out instanceof Response),
    };
  };
  const rows = (scope = `api-key:${apiKeyId}`) =>
    database.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).execute();

  it('refuses a POST without a key, writing nothing', async () => {
    await assert.rejects(
      call(undefined, {}, () => of({})),
      BadRequestException,
    );
    assert.equal((await rows()).length, 0);
  });

  it('stores the first answer and replays its exact bytes; another body is a 422', async () => {
    let n = 0;
    const first = await call('k1', { a: 1, b: [1, 2] }, (r) => {
      r.header('location', 'loc-1');
      return of({ id: `thing-${++n}` });
    });
    assert.equal(first.res.status, 201);
    assert.equal(first.res.headers.get('idempotent-replayed'), null);
    const again = await call('k1', { b: [1, 2], a: 1 }, () => of({ id: `thing-${++n}` }));
    assert.equal(again.ran, 0, 'the handler did not run again');
    assert.equal(again.res.status, 201);
    assert.equal(again.res.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.res.headers.get('location'), 'loc-1');
    assert.deepEqual(again.bytes, first.bytes);
    await assert.rejects(
      call('k1', { a: 2 }, () => of({})),
      UnprocessableEntityException,
    );
  });

  it('makes a duplicate wait for a running first request, then replay it; 409 if it runs too long', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = call('k2', {}, async () => {
      await gate;
      return { done: true };
    });
    await new Promise((r) => setTimeout(r, 50));
    const waiting = call('k2', {}, () => of({ never: true }));
    setTimeout(release, 100);
    const [a, b] = await Promise.all([slow, waiting]);
    assert.equal(b.ran, 0);
    assert.deepEqual(b.bytes, a.bytes);
    assert.equal(b.res.headers.get('idempotent-replayed'), 'true');

    let stuck!: () => void;
    const never = new Promise<void>((r) => (stuck = r));
    const held = call('k3', {}, async () => {
      await never;
      return {};
    });
    await new Promise((r) => setTimeout(r, 50));
    const r409 = reply();
    await assert.rejects(
      call('k3', {}, () => of({}), r409),
      ConflictException,
    );
    assert.equal(r409.headers['retry-after'], '1');
    stuck();
    await held;
  });

  it('gives the key back after a 5xx (the retry runs), and keeps a 4xx answer', async () => {
    await assert.rejects(
      call('k4', {}, () => Promise.reject(new InternalServerErrorException('boom'))),
      InternalServerErrorException,
    );
    assert.equal((await rows()).filter((r) => r.key === 'k4').length, 0);
    const retried = await call('k4', {}, () => of({ second: true }));
    assert.equal(retried.ran, 1);
    assert.equal(retried.res.status, 201);

    const refused = await call('k5', {}, () =>
      Promise.reject(new UnprocessableEntityException('no such material')),
    );
    assert.equal(refused.res.status, 422);
    assert.equal(refused.res.headers.get('content-type'), 'application/problem+json');
    const replay = await call('k5', {}, () => of({}));
    assert.equal(replay.ran, 0);
    assert.equal(replay.res.status, 422);
    assert.deepEqual(replay.bytes, refused.bytes);
  });

  it('takes over an expired record and a dead instance’s stale claim; cleanup deletes expired ones', async () => {
    await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k1'`.execute(
      database.db,
    );
    const fresh = await call('k1', { different: true }, () => of({ fresh: true }));
    assert.equal(fresh.ran, 1, 'an expired key is a new request');
    // A claim whose instance died (lease over) is taken over by the same request.
    await database.db
      .insertInto('idempotency_keys')
      .values({
        scope: `api-key:${apiKeyId}`,
        key: 'k6',
        fingerprint: requestFingerprint('POST', '/b2b/v1/things', {}),
        method: 'POST',
        path: '/b2b/v1/things',
        status: 'IN_FLIGHT',
        locked_until: new Date(Date.now() - 1000),
        expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
    const taken = await call('k6', {}, () => of({ taken: true }));
    assert.equal(taken.ran, 1);
    assert.equal(taken.res.status, 201);

    await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key IN ('k2', 'k3')`.execute(
      database.db,
    );
    const deleted = await new IdempotencyCleanupJob(repo, logger).run();
    assert.equal(deleted, 2);
    assert.deepEqual((await rows()).map((r) => r.key).sort(), ['k1', 'k4', 'k5', 'k6']);
  });

  it('lets a B2C POST without a key run unprotected, and scopes B2C keys per customer', async () => {
    const b2c = (customerId: string) => ({ controller: 'b2c' as const, customerId });
    const [alice, bob] = [uuidv7(), uuidv7()];
    let n = 0;
    const handler = () => of({ n: ++n });
    const unkeyed = [
      await call(undefined, { x: 1 }, handler, reply(), b2c(alice)),
      await call(undefined, { x: 1 }, handler, reply(), b2c(alice)),
    ];
    assert.deepEqual(
      unkeyed.map((c) => [c.ran, c.passedThrough, c.bytes.toString()]),
      [
        [1, true, '{"n":1}'],
        [1, true, '{"n":2}'],
      ],
    );
    assert.equal((await rows(`customer:${alice}`)).length, 0, 'nothing stored without a key');

    const first = await call('shared', { x: 1 }, handler, reply(), b2c(alice));
    const again = await call('shared', { x: 1 }, handler, reply(), b2c(alice));
    assert.equal(again.ran, 0);
    assert.deepEqual(again.bytes, first.bytes);
    assert.equal(again.res.headers.get('idempotent-replayed'), 'true');
    await assert.rejects(
      call('shared', { x: 2 }, handler, reply(), b2c(alice)),
      UnprocessableEntityException,
    );
    const bobs = await call('shared', { x: 1 }, handler, reply(), b2c(bob));
    assert.equal(bobs.ran, 1, "Bob's key is not Alice's");
    assert.equal(bobs.res.headers.get('idempotent-replayed'), null);
    assert.deepEqual(
      (await rows(`customer:${alice}`)).map((r) => [r.key, r.path, r.status]),
      [['shared', '/things', 'COMPLETE']],
    );
    await assert.rejects(
      call('two words', {}, handler, reply(), b2c(alice)),
      BadRequestException,
      'a key that is sent must be a valid one',
    );
  });
});
