import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ISSUER_AUDIENCES, ISSUER_ROLES, type TokenIssuerId } from '@fabflow/contracts';
import type { SigningKeys } from './signing-keys';
import type { Principal } from './tokens';

/** The JOSE `typ` of Fabflow access tokens (RFC 9068), so no other JWT can pass for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

/**
 * Signs short-lived access tokens for one issuer (the shop for customers, the CRM for staff):
 * iss, aud (the services that accept them), sub, role, iat, exp and a unique jti.
 */
export class AccessTokenIssuer {
  constructor(
    readonly issuer: TokenIssuerId,
    private readonly keys: SigningKeys,
    readonly ttlSeconds: number,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    // A programming error, never a request's: the issuer would sign what verifiers refuse.
    if (!ISSUER_ROLES[this.issuer].includes(principal.role))
      throw new Error(`${this.issuer} does not issue tokens for the role ${principal.role}`);
    const { kid, alg, key } = this.keys.signing;
    const now = this.nowSeconds();
    const accessToken = await new SignJWT({ role: principal.role })
      .setProtectedHeader({ alg, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience([...ISSUER_AUDIENCES[this.issuer]])
      .setSubject(principal.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(key);
    return { accessToken, expiresIn: this.ttlSeconds };
  }
}
