// Token verification per request: what every authenticated request pays, HS256 with one shared
// secret (what the services did before issue 13) against the signature checks of now (EdDSA,
// ES256), raw jose and through the services' own AccessTokenVerifier with the issuer's JWKS
// fetched over HTTP once and cached (decode iss, kid lookup, signature, claims, role per
// issuer, revocation list). One process, one verification at a time (as a request handler
// does), after a warm-up. Prints ops/s and µs per verification (wall and CPU); never fails.
// Writes bench/results/token-verify-<time>.json.
//
//   node tools/build.mjs && node bench/token-verify.mjs [--seconds 3] [--warmup 2000]
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intOption } from './common/cli.mjs';
import { percentiles } from './common/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const lib = (name) => require(`@fabflow/${name}`);
const {
  AccessTokenIssuer,
  AccessTokenVerifier,
  generateSigningJwk,
  remoteIssuerKeys,
  RevocationList,
  SigningKeys,
} = lib('auth');
const { importJWK, jwtVerify, SignJWT } = require('jose');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2000' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('node bench/token-verify.mjs [--seconds S per case] [--warmup N per case]');
  process.exit(0);
}
const SECONDS = intOption(args, 'seconds', 1);
const WARMUP = intOption(args, 'warmup', 0);

/** Verifies `token` with `verify` for SECONDS after WARMUP calls: wall and CPU µs per call. */
async function measure(name, verify) {
  for (let i = 0; i < WARMUP; i++) await verify();
  const samples = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  while (performance.now() < until) {
    const s = performance.now();
    await verify();
    samples.push((performance.now() - s) * 1000);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const n = samples.length;
  const p = percentiles(samples);
  return {
    name,
    n,
    opsPerSecond: Math.round(n / (wallMs / 1000)),
    usMean: (wallMs * 1000) / n,
    usP50: p.p50,
    usP99: p.p99,
    cpuUsPerOp: (cpu.user + cpu.system) / n,
  };
}

/** A JWKS on a real loopback HTTP server, as the CRM serves it; counts the fetches. */
async function jwksServer(jwks) {
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    fetches: () => fetches,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function main() {
  const claims = { role: 'operator' };
  const iss = 'fabflow-crm';
  const aud = 'fabflow-mes';
  const results = [];

  // Before: HS256 with a shared secret (jose, same claims and checks as the services made).
  const secret = Buffer.from('bench-shared-secret-that-is-long-enough-0123');
  const hs = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject('u1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret);
  results.push(
    await measure('HS256, shared secret (before)', () =>
      jwtVerify(hs, secret, { algorithms: ['HS256'], issuer: iss, audience: aud }),
    ),
  );

  for (const alg of ['EdDSA', 'ES256']) {
    const jwk = await generateSigningJwk(alg);
    const keys = await SigningKeys.load([jwk]);
    const { accessToken } = await new AccessTokenIssuer(iss, keys, 900).issue({
      userId: 'u1',
      role: 'operator',
    });
    const publicKey = await importJWK(keys.jwks.keys[0], alg);
    results.push(
      await measure(`${alg}, jose, key in hand`, () =>
        jwtVerify(accessToken, publicKey, { algorithms: [alg], issuer: iss, audience: aud }),
      ),
    );
    const server = await jwksServer(keys.jwks);
    const verifier = new AccessTokenVerifier({
      audience: aud,
      issuers: new Map([
        [
          iss,
          remoteIssuerKeys({
            issuer: iss,
            url: server.url,
            cacheMaxAgeMs: 600_000,
            cooldownMs: 30_000,
          }),
        ],
      ]),
      revocations: new RevocationList(),
    });
    const r = await measure(`${alg}, AccessTokenVerifier, JWKS cached (now)`, () =>
      verifier.verify(accessToken),
    );
    results.push({ ...r, jwksFetches: server.fetches() });
    await server.close();
  }

  const base = results[0];
  console.log(
    `\nToken verification, one at a time, ${SECONDS} s per case after ${WARMUP} warm-up calls (Node ${process.version}, ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0].toFixed(2)}):\n`,
  );
  console.log(
    'case'.padEnd(44) +
      'ops/s'.padStart(9) +
      'µs mean'.padStart(10) +
      'µs p50'.padStart(9) +
      'µs p99'.padStart(9) +
      'CPU µs'.padStart(9) +
      '× HS256'.padStart(9),
  );
  for (const r of results)
    console.log(
      r.name.padEnd(44) +
        String(r.opsPerSecond).padStart(9) +
        r.usMean.toFixed(1).padStart(10) +
        r.usP50.toFixed(1).padStart(9) +
        r.usP99.toFixed(1).padStart(9) +
        r.cpuUsPerOp.toFixed(1).padStart(9) +
        (r.cpuUsPerOp / base.cpuUsPerOp).toFixed(1).padStart(9),
    );
  const fetched = results.filter((r) => r.jwksFetches !== undefined).map((r) => r.jwksFetches);
  console.log(
    `\nJWKS fetches during the verifier cases: ${fetched.join(', ')} (once each: cached)`,
  );
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `token-verify-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        loadavg: loadavg(),
        seconds: SECONDS,
        warmup: WARMUP,
        results,
      },
      null,
      2,
    ),
  );
  console.log(`written: ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
