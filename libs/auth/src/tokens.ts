import type { Role } from '@fabflow/contracts';

/** Who calls: the subject of a verified access token and its role. */
export interface Principal {
  userId: string;
  role: Role;
}

/** A verified access token: its principal and the claims verifiers act on. */
export interface VerifiedAccessToken extends Principal {
  /** `iss`: the service that signed it. */
  issuer: string;
  /** `iat`, seconds since the epoch. */
  issuedAt: number;
  /** `exp`, seconds since the epoch. */
  expiresAt: number;
  /** `jti`. */
  tokenId: string;
}

/** The token is refused: the caller must log in or refresh (401). */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * The token may be fine, but the keys to check it cannot be fetched from its issuer right now
 * (a kid this service has not cached and an unreachable JWKS): the caller should retry (503
 * with Retry-After), not log in again.
 */
export class KeysUnavailableError extends Error {
  constructor(
    readonly issuer: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`the signing keys of ${issuer} cannot be fetched right now; retry shortly`, options);
    this.name = 'KeysUnavailableError';
  }
}

/** Checks bearer access tokens; the global guard's only dependency on tokens. */
export interface AccessTokenVerification {
  verify(token: string): Promise<VerifiedAccessToken>;
}
