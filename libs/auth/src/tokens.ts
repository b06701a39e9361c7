import jwt from 'jsonwebtoken';
import type { Role } from '@fabflow/contracts';

export interface Principal {
  userId: string;
  role: Role;
}

const ISSUER = 'fabflow';
const AUDIENCE = 'fabflow-api';

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/** Signs and verifies HS256 access tokens with a key shared by every service. */
export class TokenService {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  issue(principal: Principal): { accessToken: string; expiresIn: number } {
    const accessToken = jwt.sign({ role: principal.role }, this.secret, {
      algorithm: 'HS256',
      subject: principal.userId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: this.ttlSeconds,
    });
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  verify(token: string): Principal {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError)
        throw new InvalidTokenError('the access token has expired');
      throw new InvalidTokenError('the access token is invalid (bad signature or malformed)');
    }
    if (
      typeof payload === 'string' ||
      typeof payload.sub !== 'string' ||
      typeof payload.role !== 'string'
    ) {
      throw new InvalidTokenError('the access token has no subject or role');
    }
    return { userId: payload.sub, role: payload.role as Role };
  }
}
