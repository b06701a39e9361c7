import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { SERVICE_IDS, type TokenIssuerId } from '@fabflow/contracts';
import { AccessTokenIssuer } from './access-token-issuer';
import { AccessTokenVerifier } from './access-token-verifier';
import { localIssuerKeys, remoteIssuerKeys, type IssuerKeys } from './issuer-keys';
import { RevocationList } from './revocation-list';
import { generateSigningJwk, SigningKeys, type PrivateSigningJwk } from './signing-keys';
import { InvalidTokenError, KeysUnavailableError } from './tokens';

const { shop, crm, mes } = SERVICE_IDS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function issuerWith(id: TokenIssuerId, jwks: PrivateSigningJwk[], ttl = 60) {
  const keys = await SigningKeys.load(jwks);
  return { keys, issuer: new AccessTokenIssuer(id, keys, ttl) };
}

function verifier(
  audience: (typeof SERVICE_IDS)[keyof typeof SERVICE_IDS],
  issuers: Array<[TokenIssuerId, IssuerKeys]>,
  revocations = new RevocationList(),
) {
  return new AccessTokenVerifier({ audience, issuers: new Map(issuers), revocations });
}

describe('access tokens: signed by their issuer, verified with its public keys', () => {
  let staffKey: PrivateSigningJwk;
  let staff: Awaited<ReturnType<typeof issuerWith>>;
  let customers: Awaited<ReturnType<typeof issuerWith>>;
  before(async () => {
    staffKey = await generateSigningJwk('EdDSA');
    staff = await issuerWith(crm, [staffKey]);
    customers = await issuerWith(shop, [await generateSigningJwk('ES256')]);
  });

  it('carry iss, aud, sub, role, iat, exp and a unique jti, typ at+jwt, the kid of the signing key', async () => {
    const { accessToken, expiresIn } = await staff.issuer.issue({ userId: 'u1', role: 'operator' });
    assert.equal(expiresIn, 60);
    const claims = decodeJwt(accessToken);
    assert.equal(claims.iss, crm);
    assert.deepEqual(claims.aud, [crm, mes, shop]);
    assert.equal(claims.sub, 'u1');
    assert.equal(claims.role, 'operator');
    assert.equal(claims.exp! - claims.iat!, 60);
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
    const again = decodeJwt(
      (await staff.issuer.issue({ userId: 'u1', role: 'operator' })).accessToken,
    );
    assert.notEqual(again.jti, claims.jti);
    assert.deepEqual(decodeProtectedHeader(accessToken), {
      alg: 'EdDSA',
      kid: staffKey.kid,
      typ: 'at+jwt',
    });
    assert.equal(staff.keys.jwks.keys[0]!.kid, staffKey.kid);
    assert.equal('d' in staff.keys.jwks.keys[0]!, false, 'the JWKS has no private part');
  });

  it('verify at every audience they name, with EdDSA and ES256', async () => {
    const atMes = verifier(mes, [[crm, localIssuerKeys(staff.keys.jwks)]]);
    const { accessToken } = await staff.issuer.issue({ userId: 'u1', role: 'manager' });
    const v = await atMes.verify(accessToken);
    assert.deepEqual([v.userId, v.role, v.issuer], ['u1', 'manager', crm]);
    const atShop = verifier(shop, [[shop, localIssuerKeys(customers.keys.jwks)]]);
    const c = await customers.issuer.issue({ userId: 'c1', role: 'customer' });
    assert.equal((await atShop.verify(c.accessToken)).role, 'customer');
  });

  it('are refused: expired, another audience, an issuer not trusted here, a role the issuer may not grant', async () => {
    const both = verifier(shop, [
      [crm, localIssuerKeys(staff.keys.jwks)],
      [shop, localIssuerKeys(customers.keys.jwks)],
    ]);
    const old = new AccessTokenIssuer(
      crm,
      staff.keys,
      60,
      () => Math.floor(Date.now() / 1000) - 120,
    );
    const expired = (await old.issue({ userId: 'u1', role: 'admin' })).accessToken;
    await assert.rejects(both.verify(expired), /expired/);

    const customerToken = (await customers.issuer.issue({ userId: 'c1', role: 'customer' }))
      .accessToken;
    const atMes = verifier(mes, [[shop, localIssuerKeys(customers.keys.jwks)]]);
    await assert.rejects(atMes.verify(customerToken), /not valid here \(aud\)/);
    const mesTrustsStaffOnly = verifier(mes, [[crm, localIssuerKeys(staff.keys.jwks)]]);
    await assert.rejects(mesTrustsStaffOnly.verify(customerToken), /not accepted by this service/);

    // The shop's key signing an admin token: as a thief of that key would.
    const [shopKey] = customers.keys.jwks.keys;
    const forgedAdmin = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: shopKey!.kid, typ: 'at+jwt' })
      .setIssuer(shop)
      .setAudience([shop])
      .setSubject('c1')
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('j')
      .sign(customers.keys.signing.key);
    await assert.rejects(both.verify(forgedAdmin), /role is not one fabflow-shop grants/);
    await assert.rejects(
      customers.issuer.issue({ userId: 'c1', role: 'admin' }),
      /does not issue tokens for the role admin/,
    );
  });

  it('are refused when not signed by the issuer: another key with its kid, alg none, HMAC, no typ', async () => {
    const atMes = verifier(mes, [[crm, localIssuerKeys(staff.keys.jwks)]]);
    const thief = await issuerWith(crm, [{ ...(await generateSigningJwk()), kid: staffKey.kid }]);
    const forged = (await thief.issuer.issue({ userId: 'u1', role: 'admin' })).accessToken;
    await assert.rejects(atMes.verify(forged), InvalidTokenError);

    const claims = { role: 'admin', iss: crm, aud: [mes], sub: 'u1', jti: 'j' };
    const unsigned = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('1m').encode();
    await assert.rejects(atMes.verify(unsigned), InvalidTokenError);
    // HS256 keyed with the public key (the old algorithm-confusion attack).
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: staffKey.kid, typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(staffKey.x));
    await assert.rejects(atMes.verify(hmac), InvalidTokenError);
    const plainJwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: staffKey.kid })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(staff.keys.signing.key);
    await assert.rejects(atMes.verify(plainJwt), /not valid here \(typ\)/);
    await assert.rejects(atMes.verify('not.a.jwt'), /malformed/);
  });

  it('are refused after a revocation of their subject, when issued before it', async () => {
    const revocations = new RevocationList();
    const atMes = verifier(mes, [[crm, localIssuerKeys(staff.keys.jwks)]], revocations);
    const before = (await staff.issuer.issue({ userId: 'u9', role: 'operator' })).accessToken;
    const other = (await staff.issuer.issue({ userId: 'u8', role: 'operator' })).accessToken;
    revocations.revoke(crm, 'u9', Date.now());
    await assert.rejects(atMes.verify(before), /revoked/);
    assert.equal((await atMes.verify(other)).userId, 'u8', 'only that subject');
    await sleep(1100 - (Date.now() % 1000));
    const after = (await staff.issuer.issue({ userId: 'u9', role: 'operator' })).accessToken;
    assert.equal((await atMes.verify(after)).userId, 'u9', 'a token issued after it is fine');
  });
});

/** An issuer's JWKS on a real HTTP server, whose keys and availability the test controls. */
class JwksServer {
  keys: object[] = [];
  fetches = 0;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((_req, res) => {
      this.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe('remote issuer keys: a JWKS fetched over HTTP, cached, following kid rotation', () => {
  const jwks = new JwksServer();
  let oldKey: PrivateSigningJwk;
  let newKey: PrivateSigningJwk;
  before(async () => {
    await jwks.start();
    [oldKey, newKey] = [await generateSigningJwk(), await generateSigningJwk('ES256')];
  });
  after(() => jwks.stop());

  const remote = () =>
    verifier(mes, [
      [crm, remoteIssuerKeys({ issuer: crm, url: jwks.url, cacheMaxAgeMs: 400, cooldownMs: 100 })],
    ]);

  it('fetches once for many tokens, follows a new kid, and drops a removed one after the cache period', async () => {
    const old = await issuerWith(crm, [oldKey]);
    jwks.keys = old.keys.jwks.keys;
    const v = remote();
    jwks.fetches = 0;
    for (let i = 0; i < 20; i++)
      await v.verify((await old.issuer.issue({ userId: `u${i}`, role: 'operator' })).accessToken);
    assert.equal(jwks.fetches, 1, 'the set is cached');

    // Rotation: the new key is published next to the old, then signs.
    const rotated = await issuerWith(crm, [newKey, oldKey]);
    jwks.keys = rotated.keys.jwks.keys;
    await sleep(150); // past the cooldown: an unknown kid may fetch again
    const byNew = (await rotated.issuer.issue({ userId: 'u1', role: 'admin' })).accessToken;
    assert.equal(decodeProtectedHeader(byNew).kid, newKey.kid);
    assert.equal((await v.verify(byNew)).role, 'admin', 'the new kid is followed');
    const byOld = (await old.issuer.issue({ userId: 'u2', role: 'operator' })).accessToken;
    assert.equal(
      (await v.verify(byOld)).userId,
      'u2',
      'the old key still verifies while published',
    );

    // The old key is removed from the set: its tokens fail once the cached set is older than the cache period.
    jwks.keys = (await SigningKeys.load([newKey])).jwks.keys;
    assert.equal((await v.verify(byOld)).userId, 'u2', 'still cached');
    await sleep(450);
    await assert.rejects(v.verify(byOld), InvalidTokenError);
    assert.equal((await v.verify(byNew)).role, 'admin');
  });

  it('answers an unreachable JWKS with KeysUnavailableError for an unknown kid, and keeps the known ones', async () => {
    const signer = await issuerWith(crm, [oldKey]);
    jwks.keys = signer.keys.jwks.keys;
    const v = remote();
    const token = (await signer.issuer.issue({ userId: 'u1', role: 'operator' })).accessToken;
    await v.verify(token); // fetched and cached
    const port = jwks.port;
    await jwks.stop();
    await sleep(450); // the cached set is now past its cache period

    assert.equal((await v.verify(token)).userId, 'u1', 'a cached kid still verifies (stale set)');
    const unknown = await issuerWith(crm, [newKey]);
    const byUnknownKid = (await unknown.issuer.issue({ userId: 'u1', role: 'operator' }))
      .accessToken;
    const err = await v.verify(byUnknownKid).then(
      () => assert.fail('verified without its key'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KeysUnavailableError, `a KeysUnavailableError, not ${String(err)}`);
    assert.ok(err.retryAfterSeconds >= 1);

    const fresh = remote(); // nothing fetched yet, issuer down
    await assert.rejects(fresh.verify(token), KeysUnavailableError);

    await jwks.start(port); // back: the unknown kid is fetched once the retry pause is over
    jwks.keys = unknown.keys.jwks.keys;
    await sleep(1100);
    assert.equal((await v.verify(byUnknownKid)).userId, 'u1');
  });
});
