// `npm run keys`: a generated key is one the services accept in production, and `jwks` shows
// its public part only. Needs a fresh build (`npm test` builds first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { authIssuerEnv, loadConfig } = require(join(root, 'libs/config/dist/index.js'));

const keys = (args, env = {}) =>
  spawnSync(process.execPath, [join(root, 'tools/keys.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('npm run keys', () => {
  for (const alg of ['EdDSA', 'ES256'])
    it(`generates a ${alg} key the shop and the CRM accept with NODE_ENV=production`, () => {
      const run = keys(['generate', '--alg', alg]);
      assert.equal(run.status, 0, run.stderr);
      const key = JSON.parse(run.stdout);
      assert.equal(key.alg, alg);
      assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/, 'the RFC 7638 thumbprint');
      for (const issuer of ['fabflow-shop', 'fabflow-crm']) {
        const spec = authIssuerEnv({ issuer, refreshTtlSeconds: 60, sessionTtlSeconds: 60 });
        const cfg = loadConfig(spec, {
          NODE_ENV: 'production',
          AUTH_SIGNING_KEYS: JSON.stringify([key]),
        });
        assert.equal(cfg.AUTH_SIGNING_KEYS[0].kid, key.kid);
      }
      assert.notEqual(JSON.parse(keys(['generate', '--alg', alg]).stdout).kid, key.kid);
    });

  it('shows the JWKS a key set publishes: every key, public parts only; a bad set is named', () => {
    const a = JSON.parse(keys(['generate']).stdout);
    const b = JSON.parse(keys(['generate', '--alg', 'ES256']).stdout);
    const run = keys(['jwks'], { AUTH_SIGNING_KEYS: JSON.stringify([a, b]) });
    assert.equal(run.status, 0, run.stderr);
    const jwks = JSON.parse(run.stdout);
    assert.deepEqual(
      jwks.keys.map((k) => [k.kid, k.alg, k.use, 'd' in k]),
      [
        [a.kid, 'EdDSA', 'sig', false],
        [b.kid, 'ES256', 'sig', false],
      ],
    );
    const bad = keys(['jwks'], { AUTH_SIGNING_KEYS: JSON.stringify([a, a]) });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /AUTH_SIGNING_KEYS: two keys have the same kid/);
    assert.equal(keys(['rotate']).status, 2);
  });
});
