// `npm run keys -- generate [--alg EdDSA|ES256]`: prints a new private token signing key (a JWK
// with its kid and alg) for AUTH_SIGNING_KEYS of the shop or the CRM, made by the same code the
// services load keys with (libs/auth). `npm run keys -- jwks` reads AUTH_SIGNING_KEYS from the
// environment and prints the JWKS the service will publish (what verifiers will trust).
// Key rotation: docs/operations.md#token-signing-keys.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = (path) => createRequire(import.meta.url)(join(root, path));

const USAGE = `npm run keys -- generate [--alg EdDSA|ES256]   a new private signing key (JWK)
AUTH_SIGNING_KEYS='[…]' npm run keys -- jwks      the JWKS those keys publish`;

export async function generate(alg) {
  const { generateSigningJwk } = compiled('libs/auth/dist/index.js');
  return generateSigningJwk(alg);
}

export async function publishedJwks(signingKeys) {
  const { authIssuerEnv, loadConfig } = compiled('libs/config/dist/index.js');
  const { SigningKeys } = compiled('libs/auth/dist/index.js');
  // Checked as the services check it (every problem named); the issuer only sets defaults.
  const spec = authIssuerEnv({
    issuer: 'fabflow-crm',
    refreshTtlSeconds: 60,
    sessionTtlSeconds: 60,
  });
  const { AUTH_SIGNING_KEYS } = loadConfig(
    { AUTH_SIGNING_KEYS: spec.AUTH_SIGNING_KEYS },
    { AUTH_SIGNING_KEYS: signingKeys },
  );
  return (await SigningKeys.load(AUTH_SIGNING_KEYS)).jwks;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { alg: { type: 'string', default: 'EdDSA' } },
  });
  const [command] = positionals;
  try {
    if (command === 'generate') {
      if (!['EdDSA', 'ES256'].includes(values.alg)) throw new Error('--alg is EdDSA or ES256');
      const key = await generate(values.alg);
      console.error(
        `A new ${values.alg} key, kid ${key.kid}. Keep it secret; put it into AUTH_SIGNING_KEYS (a JSON array: the first key signs, all are published):`,
      );
      console.log(JSON.stringify(key));
    } else if (command === 'jwks') {
      if (!process.env.AUTH_SIGNING_KEYS) throw new Error('set AUTH_SIGNING_KEYS');
      console.log(JSON.stringify(await publishedJwks(process.env.AUTH_SIGNING_KEYS), null, 2));
    } else {
      console.error(USAGE);
      process.exit(2);
    }
  } catch (err) {
    console.error(`keys: ${err.message}`);
    process.exit(1);
  }
}
