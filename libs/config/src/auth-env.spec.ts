import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { authIssuerEnv, authVerifierEnv, DEVELOPMENT_SIGNING_KEYS } from './auth-env';
import { ConfigError, loadConfig } from './define-config';

const issuerSpec = authIssuerEnv({
  issuer: 'fabflow-crm',
  refreshTtlSeconds: 3600,
  sessionTtlSeconds: 7200,
});

function realKey(kid: string) {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { ...jwk, alg: 'EdDSA', kid };
}

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(issuerSpec, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.variable}: ${i.message}`);
    throw err;
  }
  return [];
};

describe('authIssuerEnv', () => {
  it('has a development key by default, which production refuses, alone or beside a real one', () => {
    const cfg = loadConfig(issuerSpec, {});
    assert.equal(cfg.AUTH_SIGNING_KEYS[0]?.kid, 'dev-crm-ifK2JL7AlJGk');
    assert.equal(cfg.AUTH_ACCESS_TTL_SECONDS, 900);
    const dev = JSON.parse(DEVELOPMENT_SIGNING_KEYS['fabflow-crm']) as object[];
    for (const keys of [undefined, dev, [realKey('new'), ...dev]]) {
      const env: Record<string, string> = keys ? { AUTH_SIGNING_KEYS: JSON.stringify(keys) } : {};
      assert.deepEqual(
        problems({ NODE_ENV: 'production', ...env }).map((p) => p.split(':')[0]),
        ['AUTH_SIGNING_KEYS'],
      );
    }
    const real = JSON.stringify([realKey('k-2027'), realKey('k-2026')]);
    assert.deepEqual(problems({ NODE_ENV: 'production', AUTH_SIGNING_KEYS: real }), []);
  });

  it('names what is wrong with a key set, never echoing it', () => {
    const key = realKey('k1');
    const { d: _d, ...noPrivate } = key;
    const cases: Array<[string, RegExp]> = [
      ['{not json', /JSON array of private JWKs/],
      ['[]', /at least one key/],
      [JSON.stringify([noPrivate]), /.+/],
      [JSON.stringify([key, { ...realKey('k1') }]), /same kid/],
      [JSON.stringify([{ ...key, alg: 'ES256' }]), /EdDSA keys are OKP\/Ed25519/],
      [JSON.stringify([{ ...key, d: (key.d ?? '').slice(0, 10) }]), /not a valid private key/],
      [JSON.stringify([{ ...key, x: realKey('other').x }]), /not its public part/],
    ];
    for (const [value, message] of cases) {
      const [problem, ...more] = problems({ AUTH_SIGNING_KEYS: value });
      assert.match(problem ?? '', /^AUTH_SIGNING_KEYS: /, value);
      assert.match(problem ?? '', message, value);
      assert.equal(more.length, 0);
      assert.doesNotMatch(problem ?? '', new RegExp(key.d ?? '-'), 'the private key is not echoed');
    }
  });

  it('caps the access-token lifetime at 15 minutes', () => {
    assert.match(problems({ AUTH_ACCESS_TTL_SECONDS: '901' })[0] ?? '', /AUTH_ACCESS_TTL_SECONDS/);
    assert.equal(
      loadConfig(issuerSpec, { AUTH_ACCESS_TTL_SECONDS: '10' }).AUTH_ACCESS_TTL_SECONDS,
      10,
    );
  });
});

describe('authVerifierEnv', () => {
  const spec = authVerifierEnv('fabflow-crm=http://127.0.0.1:3001/.well-known/jwks.json');

  it('reads issuer=url pairs, with a default', () => {
    assert.deepEqual(loadConfig(spec, {}).AUTH_JWKS_URLS, {
      'fabflow-crm': 'http://127.0.0.1:3001/.well-known/jwks.json',
    });
    assert.deepEqual(
      loadConfig(spec, {
        AUTH_JWKS_URLS:
          'fabflow-crm=https://crm/.well-known/jwks.json, fabflow-shop=http://shop:3000/.well-known/jwks.json',
      }).AUTH_JWKS_URLS,
      {
        'fabflow-crm': 'https://crm/.well-known/jwks.json',
        'fabflow-shop': 'http://shop:3000/.well-known/jwks.json',
      },
    );
  });

  it('refuses an issuer it does not know and a URL that is not http(s)', () => {
    assert.throws(
      () => loadConfig(spec, { AUTH_JWKS_URLS: 'evil=https://evil.example/jwks.json' }),
      /AUTH_JWKS_URLS: entries are <issuer>=<url>/,
    );
    assert.throws(
      () => loadConfig(spec, { AUTH_JWKS_URLS: 'fabflow-crm=file:///etc/passwd' }),
      /fabflow-crm: not an http\(s\) URL/,
    );
  });
});
