import type { Provider, Type } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  localIssuerKeys,
  remoteIssuerKeys,
  RevocationList,
  SigningKeys,
  type IssuerKeys,
  type PrivateSigningJwk,
} from '@fabflow/auth';
import { SERVICE_IDS, TOKEN_ISSUERS, type TokenIssuerId } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import { JwksController } from './jwks.controller';
import { RefreshSessions } from './refresh-sessions';
import type { RefreshTokenTables } from './refresh-tokens.database';
import { RevocationFeed } from './revocation-feed';

/** The token settings of `authVerifierEnv` and, for issuers, `authIssuerEnv` (libs/config). */
export interface AuthConfig {
  AUTH_JWKS_URLS: Readonly<Record<string, string>>;
  AUTH_JWKS_CACHE_SECONDS: number;
  AUTH_JWKS_COOLDOWN_SECONDS: number;
  AUTH_REDIS_PREFIX: string;
  AUTH_SIGNING_KEYS?: readonly PrivateSigningJwk[];
  AUTH_ACCESS_TTL_SECONDS?: number;
  AUTH_REFRESH_TTL_SECONDS?: number;
  AUTH_SESSION_TTL_SECONDS?: number;
}

export interface AuthWiring {
  providers: Provider[];
  controllers: Type[];
  exports: Array<Type | symbol>;
}

type Deps = { redis: Redis; logger: Logger; db: Kysely<never> };

/** The other issuers' keys, each from its JWKS URL (cached, following kid rotation). */
function remoteIssuers(own: string, config: AuthConfig): Array<[TokenIssuerId, IssuerKeys]> {
  return Object.entries(config.AUTH_JWKS_URLS)
    .filter(([issuer]) => issuer !== own)
    .map(([issuer, url]) => [
      issuer as TokenIssuerId,
      remoteIssuerKeys({
        issuer,
        url,
        cacheMaxAgeMs: config.AUTH_JWKS_CACHE_SECONDS * 1000,
        cooldownMs: config.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
      }),
    ]);
}

/** Signing, and the sessions of the people whose tokens this issuer signs. */
function issuerProviders(
  issuer: TokenIssuerId,
  keys: readonly PrivateSigningJwk[],
  config: AuthConfig,
  deps: Deps,
): Provider[] {
  return [
    { provide: SigningKeys, useFactory: () => SigningKeys.load(keys) },
    {
      provide: AccessTokenIssuer,
      useFactory: (k: SigningKeys) =>
        new AccessTokenIssuer(issuer, k, config.AUTH_ACCESS_TTL_SECONDS ?? 900),
      inject: [SigningKeys],
    },
    {
      provide: RefreshSessions,
      useFactory: (tokens: AccessTokenIssuer) =>
        new RefreshSessions(
          deps.db as unknown as Kysely<RefreshTokenTables>,
          tokens,
          {
            refreshTtlSeconds: config.AUTH_REFRESH_TTL_SECONDS ?? 3600,
            sessionTtlSeconds: config.AUTH_SESSION_TTL_SECONDS ?? 86_400,
          },
          deps.logger,
        ),
      inject: [AccessTokenIssuer],
    },
  ];
}

/**
 * Tokens for one service: every service verifies (its own tokens with its own keys, the other
 * issuers' from their JWKS URLs) and follows revocations; an issuer (a service with
 * AUTH_SIGNING_KEYS) also signs, publishes its JWKS and keeps refresh sessions.
 */
export function authWiring(
  service: keyof typeof SERVICE_IDS,
  config: AuthConfig,
  deps: Deps,
): AuthWiring {
  const own = SERVICE_IDS[service];
  const list = new RevocationList();
  const verifier = (keys?: SigningKeys) =>
    new AccessTokenVerifier({
      audience: own,
      issuers: new Map([
        ...remoteIssuers(own, config),
        ...(keys ? [[own as TokenIssuerId, localIssuerKeys(keys.jwks)] as const] : []),
      ]),
      revocations: list,
    });
  const common: Provider[] = [
    { provide: RevocationList, useValue: list },
    {
      provide: RevocationFeed,
      useFactory: () => new RevocationFeed(deps.redis, list, deps.logger, config.AUTH_REDIS_PREFIX),
    },
  ];
  const keys = config.AUTH_SIGNING_KEYS;
  if (!keys) {
    return {
      providers: [...common, { provide: AccessTokenVerifier, useFactory: () => verifier() }],
      controllers: [],
      exports: [AccessTokenVerifier, RevocationFeed],
    };
  }
  if (!(TOKEN_ISSUERS as readonly string[]).includes(own))
    throw new Error(`${own} has signing keys but is not a token issuer`);
  return {
    providers: [
      ...common,
      ...issuerProviders(own as TokenIssuerId, keys, config, deps),
      { provide: AccessTokenVerifier, useFactory: verifier, inject: [SigningKeys] },
    ],
    controllers: [JwksController],
    exports: [AccessTokenVerifier, RevocationFeed, AccessTokenIssuer, RefreshSessions],
  };
}
