import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwksCache,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
} from 'jose';
import { KeysUnavailableError } from './tokens';

/** Key lookup for one issuer's tokens: by the token's header (kid, alg). */
export type IssuerKeys = JWTVerifyGetKey;

/** A key set this service holds itself (its own public keys): no HTTP. */
export function localIssuerKeys(jwks: JSONWebKeySet): IssuerKeys {
  return createLocalJWKSet(jwks);
}

export interface RemoteIssuerKeysOptions {
  issuer: string;
  url: string;
  /** How long a fetched set is used before it is fetched again (jose `cacheMaxAge`). */
  cacheMaxAgeMs: number;
  /**
   * An unknown kid fetches again at most this often (jose `cooldownDuration`); after a failed
   * fetch the JWKS is not asked again for this long either.
   */
  cooldownMs: number;
  timeoutMs?: number;
  /** How old the last fetched set may be to stand in while the JWKS cannot be fetched. */
  staleMaxMs?: number;
  /** Tests: the clock. */
  now?: () => number;
}

/** The token's kid (or alg) is not in the issuer's set: the token's fault, not the network's. */
const isTokenKeyError = (err: unknown) =>
  err instanceof errors.JWKSNoMatchingKey ||
  err instanceof errors.JWKSMultipleMatchingKeys ||
  err instanceof errors.JOSENotSupported;

/**
 * Another issuer's keys from its JWKS URL (jose `createRemoteJWKSet`: cached for
 * `cacheMaxAgeMs`, fetched again for an unknown kid at most once per `cooldownMs`, so a new
 * kid is followed and a removed one stops verifying once the cache is refreshed).
 *
 * When the JWKS cannot be fetched, the last set fetched (up to `staleMaxMs` old) still checks
 * the kids it has, so an issuer's outage does not log everybody out; a kid it lacks is a
 * `KeysUnavailableError` (503 with Retry-After), never a 401 that would send the caller to
 * log in again for nothing. After a failed fetch the JWKS is not asked again for `cooldownMs`.
 */
export function remoteIssuerKeys(o: RemoteIssuerKeysOptions): IssuerKeys {
  const now = o.now ?? Date.now;
  // jose writes every set it fetched successfully, and when, into this object.
  const cache: { jwks?: JSONWebKeySet; uat?: number } = {};
  const remote = createRemoteJWKSet(new URL(o.url), {
    cacheMaxAge: o.cacheMaxAgeMs,
    cooldownDuration: o.cooldownMs,
    timeoutDuration: o.timeoutMs ?? 3000,
    [jwksCache]: cache as JWKSCacheInput,
  });
  const staleMaxMs = o.staleMaxMs ?? 24 * 3_600_000;
  let failedUntil = 0;

  const unavailable = (cause: unknown) =>
    new KeysUnavailableError(o.issuer, Math.max(1, Math.ceil((failedUntil - now()) / 1000)), {
      cause,
    });

  let lastSet: { uat: number; keys: IssuerKeys } | undefined;
  const fromLastSet: IssuerKeys = async (header, token) => {
    const { jwks, uat } = cache;
    if (!jwks || uat === undefined || now() - uat >= staleMaxMs)
      throw unavailable(new Error('no usable key set fetched'));
    if (lastSet?.uat !== uat) lastSet = { uat, keys: createLocalJWKSet(jwks) };
    try {
      return await lastSet.keys(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) throw unavailable(err);
      throw err;
    }
  };

  return async (header, token) => {
    if (now() < failedUntil) return fromLastSet(header, token);
    try {
      return await remote(header, token);
    } catch (err) {
      if (isTokenKeyError(err)) throw err;
      failedUntil = now() + Math.max(1000, o.cooldownMs);
      return fromLastSet(header, token);
    }
  };
}
