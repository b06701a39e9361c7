import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { generateSigningJwk } from '@fabflow/auth';
import { waitFor, type HttpResult } from '@fabflow/testing';
import { FabflowSystem, STAFF_PASSWORD } from '../support/fabflow-system';
import { placeOrder, registerCustomer } from '../support/journey';

/*
 * Tokens across the real services: the shop signs customer tokens, the CRM staff tokens, each
 * with its own key, published as a JWKS the other services fetch; refresh tokens rotate and
 * their reuse ends the session; a rotated key is followed, a removed one dropped, an
 * unreachable issuer is a 503 (not a 401). Staff deactivation has its own file.
 */

type Tokens = { accessToken: string; refreshToken: string; role: string; userId: string };

describe('tokens across the services', () => {
  let sys: FabflowSystem;
  const staffLogin = async (who: 'operator' | 'manager' | 'admin') => {
    const res = await sys
      .client('crm')
      .post<Tokens>('/auth/login', { email: `${who}@fabflow.local`, password: STAFF_PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const at = (svc: 'shop' | 'crm' | 'mes', token: string, path: string) =>
    sys.client(svc, token).get(path);

  before(async () => {
    sys = await FabflowSystem.start('tokens', {
      // Verifiers re-fetch a JWKS within seconds here, so rotation is seen in a test's time.
      serviceEnv: {
        mes: { AUTH_JWKS_CACHE_SECONDS: '2', AUTH_JWKS_COOLDOWN_SECONDS: '1' },
        shop: { AUTH_JWKS_CACHE_SECONDS: '2', AUTH_JWKS_COOLDOWN_SECONDS: '1' },
      },
    });
  });
  after(() => sys?.stop());

  it('each issuer publishes its public keys (public, cacheable, documented); the MES signs nothing', async () => {
    for (const [svc, key] of [
      ['crm', sys.signingKeys.crm],
      ['shop', sys.signingKeys.shop],
    ] as const) {
      const res = await sys
        .client(svc)
        .get<{ keys: Array<Record<string, string>> }>('/.well-known/jwks.json');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
      assert.deepEqual(
        res.body.keys.map((k) => [k.kid, k.alg, k.use, 'd' in k]),
        [[key.kid, 'EdDSA', 'sig', false]],
      );
      const doc = await sys.client(svc).get<{ paths: Record<string, unknown> }>('/docs/json');
      assert.ok(doc.body.paths['/.well-known/jwks.json'], `${svc} documents its JWKS`);
    }
    assert.equal((await sys.client('mes').get('/.well-known/jwks.json')).status, 404);
  });

  it('staff tokens work at the CRM, the MES and (for admins) the shop; customer tokens only at the shop', async () => {
    const [operator, admin] = [await staffLogin('operator'), await staffLogin('admin')];
    const claims = decodeJwt(operator.accessToken);
    assert.equal(claims.iss, 'fabflow-crm');
    assert.deepEqual(claims.aud, ['fabflow-crm', 'fabflow-mes', 'fabflow-shop']);
    assert.ok(claims.exp! - claims.iat! <= 900, 'access tokens live 15 minutes at most');
    assert.equal((await at('mes', operator.accessToken, '/work-orders')).status, 200);
    assert.equal((await at('crm', admin.accessToken, '/orders')).status, 200);

    const customer = await registerCustomer(sys);
    assert.equal(decodeJwt(customer.token).iss, 'fabflow-shop');
    const orderId = await placeOrder(sys.client('shop', customer.token));
    // An admin (a CRM token) reads any customer's order at the shop.
    assert.equal((await at('shop', admin.accessToken, `/orders/${orderId}`)).status, 200);
    assert.equal((await at('shop', operator.accessToken, `/orders/${orderId}`)).status, 403);
    for (const svc of ['mes', 'crm'] as const) {
      const refused = await at(svc, customer.token, svc === 'mes' ? '/work-orders' : '/orders');
      assert.equal(refused.status, 401, `${svc} refuses a customer token`);
    }
  });

  it('refresh rotates the pair; presenting a used refresh token ends the session; logout ends it', async () => {
    for (const svc of ['shop', 'crm'] as const) {
      const first =
        svc === 'crm' ? await staffLogin('manager') : await customerSession(sys.client('shop'));
      const second = await refresh(svc, first.refreshToken);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body.refreshToken, first.refreshToken);
      assert.notEqual(second.body.accessToken, first.accessToken);
      assert.equal(second.body.userId, first.userId);
      assert.equal((await at(svc, second.body.accessToken, '/orders')).status, 200);

      // The old refresh token again: a thief's copy or the owner's, the family is revoked.
      const reuse = await refresh(svc, first.refreshToken);
      assert.equal(reuse.status, 401);
      assert.match(String(reuse.body.detail), /already used/);
      assert.equal(
        (await refresh(svc, second.body.refreshToken)).status,
        401,
        `${svc}: whole family`,
      );

      const third =
        svc === 'crm' ? await staffLogin('manager') : await customerSession(sys.client('shop'));
      const out = await sys.client(svc).post('/auth/logout', { refreshToken: third.refreshToken });
      assert.equal(out.status, 204);
      assert.equal((await refresh(svc, third.refreshToken)).status, 401);
      assert.equal((await refresh(svc, 'ffr_never-issued')).status, 401);
      const rows = await sys.query<{ n: number; hashed: boolean }>(
        svc,
        `SELECT count(*)::int AS n, bool_and(token_hash ~ '^[0-9a-f]{64}$') AS hashed FROM refresh_tokens`,
      );
      assert.equal(rows[0]!.hashed, true, 'only SHA-256 hashes are stored');
      const stored = await sys.query(svc, 'SELECT 1 FROM refresh_tokens WHERE token_hash = $1', [
        third.refreshToken,
      ]);
      assert.equal(stored.length, 0, 'never the token itself');
    }
  });

  async function customerSession(shop: ReturnType<FabflowSystem['client']>): Promise<Tokens> {
    const c = await registerCustomer(sys);
    const res = await shop.post<Tokens>('/auth/login', {
      email: c.email,
      password: 'customer-password-1',
    });
    assert.equal(res.status, 200);
    return res.body;
  }

  const refresh = (
    svc: 'shop' | 'crm',
    refreshToken: string,
  ): Promise<HttpResult<Tokens & { detail?: string }>> =>
    sys.client(svc).post('/auth/refresh', { refreshToken });

  it('follows a key rotation at the CRM: a new kid verifies, a removed one stops after the cache period', async () => {
    const oldToken = (await staffLogin('operator')).accessToken;
    const oldKey = sys.signingKeys.crm;
    const newKey = await generateSigningJwk();
    // The new key first (it signs), the old one still published.
    await sys.restart('crm', { AUTH_SIGNING_KEYS: JSON.stringify([newKey, oldKey]) });
    const newToken = (await staffLogin('operator')).accessToken;
    assert.equal(decodeProtectedHeader(newToken).kid, newKey.kid);
    assert.equal((await at('mes', newToken, '/work-orders')).status, 200, 'new kid followed');
    assert.equal(
      (await at('mes', oldToken, '/work-orders')).status,
      200,
      'old kid still published',
    );

    await sys.restart('crm', { AUTH_SIGNING_KEYS: JSON.stringify([newKey]) });
    await waitFor(
      'the MES to drop the removed key (its cache period is 2 s)',
      async () => (await at('mes', oldToken, '/work-orders')).status === 401,
      10_000,
    );
    assert.equal((await at('mes', newToken, '/work-orders')).status, 200);
  });

  it('answers 503 with Retry-After while the CRM is unreachable and the kid is not cached; cached kids still verify', async () => {
    const operator = (await staffLogin('operator')).accessToken;
    assert.equal((await at('mes', operator, '/work-orders')).status, 200);
    // A staff token under a kid the MES has never seen, as just after a rotation.
    const unseen = await generateSigningJwk();
    const unseenToken = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'EdDSA', kid: unseen.kid, typ: 'at+jwt' })
      .setIssuer('fabflow-crm')
      .setAudience(['fabflow-mes'])
      .setSubject(decodeJwt(operator).sub!)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('unseen')
      .sign(await importJWK(unseen, 'EdDSA'));
    await sys.crm.stop();
    try {
      await new Promise((r) => setTimeout(r, 2500)); // past the MES's cache period and cooldown
      assert.equal((await at('mes', operator, '/work-orders')).status, 200, 'cached kid');
      const res = await at('mes', unseenToken, '/work-orders');
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.ok(Number(res.headers.get('retry-after')) >= 1, 'with Retry-After');
      assert.match(String(res.body.detail), /signing keys of fabflow-crm cannot be fetched/);
    } finally {
      await sys.crm.start();
    }
    // Reachable again: the CRM does not publish that kid, so now it is a plain 401.
    await waitFor(
      'the MES to ask the CRM again',
      async () => (await at('mes', unseenToken, '/work-orders')).status === 401,
      10_000,
    );
  });
});
