import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import {
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  TOKEN_ISSUERS,
  type TokenIssuerId,
} from '@fabflow/contracts';
import { defineConfig } from './define-config';
import { intFromEnv } from './env-types';

/** A private signing key as a JWK (RFC 7517) with its `kid` and algorithm. */
const SigningJwk = z
  .object({
    kty: z.enum(['OKP', 'EC']),
    crv: z.enum(['Ed25519', 'P-256']),
    alg: z.enum(['EdDSA', 'ES256']),
    kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'kid: 1-64 of A-Z a-z 0-9 . _ -' }),
    x: z.string().min(1),
    y: z.string().min(1).optional(),
    d: z.string().min(1, { message: 'a signing key needs its private part (d)' }),
  })
  .refine(
    (k) =>
      (k.alg === 'EdDSA' && k.kty === 'OKP' && k.crv === 'Ed25519') ||
      (k.alg === 'ES256' && k.kty === 'EC' && k.crv === 'P-256' && k.y !== undefined),
    { message: 'EdDSA keys are OKP/Ed25519, ES256 keys EC/P-256 (with y)' },
  )
  .refine(
    (k) => {
      try {
        // The key material itself must load, and its public part (what the JWKS publishes)
        // must be the one of the private key, or every token it signs would be refused.
        const key = createPrivateKey({
          key: { kty: k.kty, crv: k.crv, d: k.d, x: k.x, y: k.y },
          format: 'jwk',
        });
        const pub = createPublicKey(key).export({ format: 'jwk' });
        return pub.x === k.x && pub.y === k.y;
      } catch {
        return false;
      }
    },
    { message: 'not a valid private key (or x/y are not its public part)' },
  );
export type SigningJwk = z.infer<typeof SigningJwk>;

/** `AUTH_SIGNING_KEYS`: a JSON array of private JWKs with distinct kids. */
const signingKeysFromEnv = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of private JWKs' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(SigningJwk, { message: 'must be a JSON array of private JWKs' })
      .min(1, { message: 'needs at least one key (the first one signs)' })
      .refine((keys) => new Set(keys.map((k) => k.kid)).size === keys.length, {
        message: 'two keys have the same kid',
      }),
  );

/**
 * The development signing keys, one per issuer, so `npm start` works out of the box. They are
 * public (they are in this file): the config refuses them with NODE_ENV=production, and
 * `npm run keys -- generate` makes real ones.
 */
export const DEVELOPMENT_SIGNING_KEYS: Record<TokenIssuerId, string> = {
  'fabflow-shop': JSON.stringify([
    {
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      kid: 'dev-shop-68yBg_1yzQSa',
      x: 'zRM8U3T2RixJUOMpEBRtJIPd31dOAjKUV5_ZQuBv0zE',
      d: 'pjS6hNnEkAdsqARgjoJmDQVal5Jgdb2nR5-iQSmaGXY',
    },
  ]),
  'fabflow-crm': JSON.stringify([
    {
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      kid: 'dev-crm-ifK2JL7AlJGk',
      x: 'cecFQTomkXpuGHZIK-1QCLCgnoxpAmI1TXQYk5Dzc78',
      d: '1_WFNre9YGoraP7BYjTxfGKrPeycUwQX5zG0ATuyj6w',
    },
  ]),
};

/** The private parts of the development keys: a key set holding any of them is for development. */
const DEVELOPMENT_KEY_MATERIAL = new Set(
  Object.values(DEVELOPMENT_SIGNING_KEYS).flatMap((json) =>
    (JSON.parse(json) as Array<{ d: string }>).map((k) => k.d),
  ),
);

export interface AuthIssuerDefaults {
  issuer: TokenIssuerId;
  /** Default lifetime of one refresh token: a session unused this long ends. */
  refreshTtlSeconds: number;
  /** Default longest session, from login, however often it is refreshed. */
  sessionTtlSeconds: number;
}

/** A service that signs tokens (shop: customers, CRM: staff): its keys and lifetimes. */
export const authIssuerEnv = (d: AuthIssuerDefaults) =>
  defineConfig({
    AUTH_SIGNING_KEYS: {
      schema: signingKeysFromEnv.default(
        signingKeysFromEnv.parse(DEVELOPMENT_SIGNING_KEYS[d.issuer]),
      ),
      description: `Private JWKs (a JSON array, each with kid and alg EdDSA or ES256) that sign this service's access tokens: the first signs, all are published at /.well-known/jwks.json. Generate one with npm run keys -- generate. The default is a development key.`,
      sensitive: true,
      // Also as a second, published key: anyone could sign tokens this service's verifiers accept.
      isDevelopment: (keys) =>
        (keys as SigningJwk[]).some((k) => DEVELOPMENT_KEY_MATERIAL.has(k.d)),
    },
    AUTH_ACCESS_TTL_SECONDS: {
      schema: intFromEnv(5, MAX_ACCESS_TOKEN_TTL_SECONDS).default(MAX_ACCESS_TOKEN_TTL_SECONDS),
      description: `Lifetime of an access token (at most ${MAX_ACCESS_TOKEN_TTL_SECONDS} s): also the longest a revoked one may still be accepted while Redis is down.`,
    },
    AUTH_REFRESH_TTL_SECONDS: {
      schema: intFromEnv(60, 90 * 86_400).default(d.refreshTtlSeconds),
      description:
        'Lifetime of one refresh token: a session not refreshed for this long ends (each refresh gives a new one).',
    },
    AUTH_SESSION_TTL_SECONDS: {
      schema: intFromEnv(60, 365 * 86_400).default(d.sessionTtlSeconds),
      description: 'Longest session from login, however often it is refreshed: then log in again.',
    },
  });

/** `fabflow-crm=http://crm:3001/.well-known/jwks.json,…` → issuer → JWKS URL. */
const jwksUrlsFromEnv = z.string().transform((s, ctx) => {
  const urls: Record<string, string> = {};
  for (const entry of s
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)) {
    const at = entry.indexOf('=');
    const issuer = entry.slice(0, at);
    const url = entry.slice(at + 1);
    if (at < 0 || !(TOKEN_ISSUERS as readonly string[]).includes(issuer)) {
      ctx.addIssue({
        code: 'custom',
        message: `entries are <issuer>=<url> with issuer one of ${TOKEN_ISSUERS.join(', ')}`,
      });
    } else if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      ctx.addIssue({ code: 'custom', message: `${issuer}: not an http(s) URL` });
    } else urls[issuer] = url;
  }
  return urls;
});

/** Every service verifies tokens: whose, and how long it trusts what it fetched. */
export const authVerifierEnv = (defaultJwksUrls: string) =>
  defineConfig({
    AUTH_JWKS_URLS: {
      schema: jwksUrlsFromEnv.default(jwksUrlsFromEnv.parse(defaultJwksUrls)),
      description:
        "The other issuers whose tokens this service accepts, with their JWKS URL: fabflow-crm=<url>,fabflow-shop=<url>. A service's own tokens are verified with its own keys, without HTTP.",
    },
    AUTH_JWKS_CACHE_SECONDS: {
      schema: intFromEnv(1, 86_400).default(600),
      description:
        "How long a fetched JWKS is used before it is fetched again. A key removed from an issuer's JWKS stops verifying within this (while the issuer answers).",
    },
    AUTH_REDIS_PREFIX: {
      schema: z
        .string()
        .regex(/^[A-Za-z0-9:_.-]{1,64}$/, { message: 'letters, digits and : _ . - only' })
        .default('fabflow:auth'),
      description:
        'Prefix of the Redis channel and keys that carry token revocations to every instance; the same on every service of a deployment, different for deployments (or test systems) sharing one Redis.',
    },
    AUTH_JWKS_COOLDOWN_SECONDS: {
      schema: intFromEnv(0, 3600).default(30),
      description:
        'A token with a kid not in the cached JWKS fetches it again, at most once per this; also how long an unreachable JWKS is not asked again (503 + Retry-After meanwhile).',
    },
  });

/** The development JWKS URL of the CRM (staff tokens), for the shop and the MES. */
export const DEVELOPMENT_CRM_JWKS = 'fabflow-crm=http://127.0.0.1:3001/.well-known/jwks.json';
