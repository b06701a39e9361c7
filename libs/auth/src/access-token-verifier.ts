import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import {
  ISSUER_ROLES,
  Role,
  TOKEN_ISSUERS,
  type ServiceId,
  type TokenIssuerId,
} from '@fabflow/contracts';
import { ACCESS_TOKEN_TYPE } from './access-token-issuer';
import type { IssuerKeys } from './issuer-keys';
import type { RevocationList } from './revocation-list';
import { SIGNING_ALGORITHMS } from './signing-keys';
import {
  InvalidTokenError,
  KeysUnavailableError,
  type AccessTokenVerification,
  type VerifiedAccessToken,
} from './tokens';

export interface AccessTokenVerifierOptions {
  /** This service's id: tokens must name it in `aud`. */
  audience: ServiceId;
  /** The issuers this service accepts, each with its keys (its own locally, others by JWKS). */
  issuers: ReadonlyMap<TokenIssuerId, IssuerKeys>;
  revocations: RevocationList;
  /** Clock skew allowed on exp/iat between the issuer and this service. */
  clockToleranceSeconds?: number;
}

const isIssuer = (iss: unknown): iss is TokenIssuerId =>
  typeof iss === 'string' && (TOKEN_ISSUERS as readonly string[]).includes(iss);

function issuerOf(token: string): TokenIssuerId {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new InvalidTokenError('the access token is malformed');
  }
  if (!isIssuer(claims.iss)) throw new InvalidTokenError('the access token has an unknown issuer');
  return claims.iss;
}

function refusal(err: unknown): Error {
  if (err instanceof KeysUnavailableError) return err;
  if (err instanceof errors.JWTExpired)
    return new InvalidTokenError('the access token has expired');
  if (err instanceof errors.JWTClaimValidationFailed)
    return new InvalidTokenError(`the access token is not valid here (${err.claim})`);
  return new InvalidTokenError('the access token is invalid (bad signature or malformed)');
}

/**
 * Verifies access tokens of the issuers this service trusts: the signature with the issuer's
 * key of the token's kid (EdDSA or ES256 only: no `none`, no HMAC), `typ` at+jwt, iss, this
 * service in aud, exp/iat, a role that issuer may grant, and no revocation of the subject
 * since the token was issued.
 */
export class AccessTokenVerifier implements AccessTokenVerification {
  constructor(private readonly o: AccessTokenVerifierOptions) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    const issuer = issuerOf(token);
    const keys = this.o.issuers.get(issuer);
    if (!keys) throw new InvalidTokenError(`tokens of ${issuer} are not accepted by this service`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [...SIGNING_ALGORITHMS],
        typ: ACCESS_TOKEN_TYPE,
        issuer,
        audience: this.o.audience,
        requiredClaims: ['sub', 'iat', 'exp', 'jti'],
        clockTolerance: this.o.clockToleranceSeconds ?? 5,
      }));
    } catch (err) {
      throw refusal(err);
    }
    const role = Role.safeParse(payload.role);
    if (!role.success || !ISSUER_ROLES[issuer].includes(role.data))
      throw new InvalidTokenError(`the access token's role is not one ${issuer} grants`);
    const { sub, iat, exp, jti } = payload as Required<JWTPayload>;
    if (this.o.revocations.isRevoked(issuer, sub, iat))
      throw new InvalidTokenError('the access token was revoked; log in again');
    return { userId: sub, role: role.data, issuer, issuedAt: iat, expiresAt: exp, tokenId: jti };
  }
}
