import { z } from 'zod';
import type { Role } from '../statuses';

/*
 * Access tokens between the services: who issues them, for whom, with which roles. A token's
 * `iss` is its issuer's id, its `aud` the ids of the services that accept it; a verifier checks
 * that its own id is in `aud` and that the issuer may grant the token's role, so a leaked shop
 * key cannot mint a staff token.
 */

/** The services by the id they have as a token issuer (`iss`) and as an audience (`aud`). */
export const SERVICE_IDS = {
  shop: 'fabflow-shop',
  crm: 'fabflow-crm',
  mes: 'fabflow-mes',
} as const;
export type ServiceId = (typeof SERVICE_IDS)[keyof typeof SERVICE_IDS];

/** The services that sign tokens: the shop for customers, the CRM for staff. */
export const TOKEN_ISSUERS = [SERVICE_IDS.shop, SERVICE_IDS.crm] as const;
export type TokenIssuerId = (typeof TOKEN_ISSUERS)[number];

/** The roles each issuer may put in a token; any other role from it is refused. */
export const ISSUER_ROLES: Record<TokenIssuerId, readonly Role[]> = {
  [SERVICE_IDS.shop]: ['customer'],
  [SERVICE_IDS.crm]: ['manager', 'operator', 'admin'],
};

/** The services that accept each issuer's tokens (the `aud` claim). */
export const ISSUER_AUDIENCES: Record<TokenIssuerId, readonly ServiceId[]> = {
  // Customers use the shop only.
  [SERVICE_IDS.shop]: [SERVICE_IDS.shop],
  // Staff use the CRM and the MES, and admins also the shop's routes (and its DLQ admin API).
  [SERVICE_IDS.crm]: [SERVICE_IDS.crm, SERVICE_IDS.mes, SERVICE_IDS.shop],
};

/** The longest access-token lifetime any issuer may configure (AUTH_ACCESS_TTL_SECONDS). */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export const LoginRequest = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds the access token is valid for. */
  expiresIn: z.number().int(),
  /** Opaque; exchanged once at POST /auth/refresh for a new pair. */
  refreshToken: z.string(),
  /** Seconds the refresh token is valid for (the session may end sooner: logout, deactivation). */
  refreshExpiresIn: z.number().int(),
  role: z.string(),
  userId: z.uuid(),
});

export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(1).max(200),
});

/** A public JWK of a token signing key, as GET /.well-known/jwks.json lists it. */
export const PublicJwk = z.object({
  kty: z.enum(['OKP', 'EC']),
  crv: z.enum(['Ed25519', 'P-256']),
  x: z.string(),
  y: z.string().optional(),
  kid: z.string(),
  alg: z.enum(['EdDSA', 'ES256']),
  use: z.literal('sig'),
});

/** RFC 7517 JWK Set of the issuer's token verification keys. */
export const JwkSet = z.object({ keys: z.array(PublicJwk) });
