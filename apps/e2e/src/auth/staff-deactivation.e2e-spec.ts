import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, type HttpResult } from '@fabflow/testing';
import { FabflowSystem, STAFF_PASSWORD } from '../support/fabflow-system';

/*
 * Deactivating a staff member ends their access everywhere within the stated bound (docs/
 * security.md): the CRM revokes their sessions and pushes the revocation through Redis to every
 * instance of every service; an instance that starts later reads it from Redis. Here the
 * operator's access token, still valid for minutes, is refused by the MES right after.
 */

const OPERATOR = '00000000-0000-7000-8000-00000000a002';
const ADMIN = '00000000-0000-7000-8000-00000000a003';
/** The bound while Redis is up (docs/security.md): the push takes milliseconds. */
const PUSH_BOUND_MS = 1000;

type Tokens = { accessToken: string; refreshToken: string };
type Problem = { status: number; title: string; detail: string; type: string };

describe('staff deactivation ends the access of that person, everywhere', () => {
  let sys: FabflowSystem;
  const login = (email: string, password = STAFF_PASSWORD) =>
    sys.client('crm').post<Tokens & Problem>('/auth/login', { email, password });
  const tokens = async (who: string) => {
    const res = await login(`${who}@fabflow.local`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    sys = await FabflowSystem.start('deact');
  });
  after(() => sys?.stop());

  it('is for admins only, never of oneself, and of someone who exists', async () => {
    const [admin, manager] = [await tokens('admin'), await tokens('manager')];
    const deactivate = (token: string, id: string) =>
      sys.client('crm', token).post<Problem>(`/staff/${id}/deactivate`);
    assert.equal((await deactivate(manager.accessToken, OPERATOR)).status, 403);
    const self = await deactivate(admin.accessToken, ADMIN);
    assert.equal(self.status, 409);
    assert.match(self.body.detail, /your own account/);
    assert.equal(
      (await deactivate(admin.accessToken, '01890000-0000-7000-8000-000000000000')).status,
      404,
    );
    assert.equal((await deactivate(admin.accessToken, 'nope')).status, 400);
  });

  it("refuses the operator's still-valid access token at the MES within the bound, and every way back in", async (t) => {
    const operator = await tokens('operator');
    const mes = sys.client('mes', operator.accessToken);
    assert.equal((await mes.get('/work-orders')).status, 200);
    const manager = await tokens('manager');
    const admin = await tokens('admin');

    const started = Date.now();
    const res = await sys.client('crm', admin.accessToken).post<{
      sessionsRevoked: number;
      revocationPushed: boolean;
      accessEndsBy: string;
    }>(`/staff/${OPERATOR}/deactivate`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.revocationPushed, true);
    assert.ok(res.body.sessionsRevoked >= 1);
    let refused: HttpResult<Problem>;
    for (;;) {
      refused = await mes.get<Problem>('/work-orders');
      if (refused.status !== 200 || Date.now() - started > 10_000) break;
    }
    const tookMs = Date.now() - started;
    t.diagnostic(`the MES refused the operator's token ${tookMs} ms after the deactivation began`);
    assert.equal(refused.status, 401);
    assert.match(refused.body.detail, /revoked/);
    assert.ok(tookMs <= PUSH_BOUND_MS, `within ${PUSH_BOUND_MS} ms (took ${tookMs} ms)`);

    // The CRM too (401, not the 403 of a role), and no refresh, no login.
    assert.equal((await sys.client('crm', operator.accessToken).get('/orders')).status, 401);
    const refresh = await sys
      .client('crm')
      .post<Problem>('/auth/refresh', { refreshToken: operator.refreshToken });
    assert.equal(refresh.status, 401);
    const relogin = await login('operator@fabflow.local');
    const unknown = await login('nobody@fabflow.local');
    assert.equal(relogin.status, 401);
    assert.deepEqual(relogin.body, unknown.body, 'a deactivated account looks like no account');

    // Others keep their access.
    assert.equal((await sys.client('crm', manager.accessToken).get('/orders')).status, 200);

    // An MES instance that starts now learns it from Redis.
    const late = sys.mes.onPort(await freePort());
    await late.start();
    try {
      const lateRes = await fetch(`${late.url}/work-orders`, {
        headers: { authorization: `Bearer ${operator.accessToken}` },
      });
      assert.equal(lateRes.status, 401, 'an instance started after the deactivation refuses it');
    } finally {
      await late.stop();
    }
  });
});

describe('login: throttled per account and per IP, one answer for every wrong login', () => {
  let sys: FabflowSystem;
  before(async () => {
    sys = await FabflowSystem.start('loginthrottle', {
      env: { RATE_LIMIT_LOGIN_BURST: '3', RATE_LIMIT_LOGIN_PER_HOUR: '1' },
    });
  });
  after(() => sys?.stop());

  const attempt = (svc: 'shop' | 'crm', email: string, password: string) =>
    sys.client(svc).post<Problem & { 'violated-policies'?: string[] }>('/auth/login', {
      email,
      password,
    });
  /** The answer without what differs per request. */
  const shape = (r: HttpResult<Problem>) => ({ status: r.status, body: r.body });

  for (const svc of ['shop', 'crm'] as const) {
    it(`${svc}: an unknown email and a wrong password get the same 401, and both are throttled per account`, async () => {
      let known = 'operator@fabflow.local';
      if (svc === 'shop') {
        known = `known-${Date.now()}@example.com`;
        const reg = await sys.client('shop').post('/auth/register', {
          email: known,
          password: 'customer-password-1',
          name: 'Known',
        });
        assert.equal(reg.status, 201);
      }
      const unknown = `unknown-${Date.now()}@example.com`;
      // Any case of the address is the same account.
      const knownTries = [known, known.toUpperCase(), known];
      const wrong = [];
      for (const email of knownTries) wrong.push(await attempt(svc, email, 'wrong-password-1'));
      const absent = [];
      for (let i = 0; i < 3; i++) absent.push(await attempt(svc, unknown, 'wrong-password-1'));
      for (const r of [...wrong, ...absent])
        assert.deepEqual(shape(r), shape(wrong[0]!), 'one answer for every wrong login');
      assert.equal(wrong[0]!.status, 401);
      assert.equal(wrong[0]!.body.detail, 'wrong email or password');
      assert.deepEqual(
        [wrong[2]!.headers.get('ratelimit'), absent[2]!.headers.get('ratelimit')].map((h) =>
          h?.split(', ')[1]?.replace(/;t=\d+$/, ''),
        ),
        ['"login-account";r=0', '"login-account";r=0'],
        'both buckets drained alike',
      );

      // The fourth try: refused before the password is looked at, even the right one.
      const password = svc === 'crm' ? STAFF_PASSWORD : 'customer-password-1';
      for (const email of [known, unknown]) {
        const limited = await attempt(svc, email, password);
        assert.equal(limited.status, 429, email);
        assert.deepEqual(limited.body['violated-policies'], ['login-account']);
        assert.ok(Number(limited.headers.get('retry-after')) > 60, 'one try per hour from now');
      }
      // Another account from the same address is not held up.
      const other = await attempt(svc, `other-${Date.now()}@example.com`, 'wrong-password-1');
      assert.equal(other.status, 401);
    });
  }
});
