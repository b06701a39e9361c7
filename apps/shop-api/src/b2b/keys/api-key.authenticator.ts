import {
  ForbiddenException,
  Inject,
  Injectable,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  type ExecutionContext,
  type OnModuleInit,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { apiKeyMatches, Authenticators, parseApiKey, type Authenticator } from '@fabflow/auth';
import type { ApiKeyScope } from '@fabflow/contracts';
import { APP_CONFIG } from '@fabflow/platform';
import type { ShopB2bConfig } from '../b2b.config';
import { ApiKeyCache } from './api-key-cache';
import { API_KEY_SCHEME, B2B_SCOPE, type B2bRequest } from './b2b-principal';

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The key from `Authorization: Bearer ff_live_…` and/or `X-API-Key`; a clear 401 otherwise. */
export function presentedKey(headers: B2bRequest['headers']): string {
  const auth = single(headers.authorization);
  const bearer = auth !== undefined ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
  if (auth !== undefined && bearer === undefined)
    throw new UnauthorizedException('Authorization must be "Bearer <API key>"');
  const header = single(headers['x-api-key'])?.trim();
  if (bearer && header && bearer !== header)
    throw new UnauthorizedException('Authorization and X-API-Key carry different keys');
  const key = bearer ?? header;
  if (!key)
    throw new UnauthorizedException(
      'missing API key: send Authorization: Bearer ff_live_… or X-API-Key: ff_live_…',
    );
  return key;
}

/**
 * The `api-key` scheme of the global auth guard for `/b2b/v1`: parses the key, finds its
 * prefix in the projection (through the per-instance cache), compares the SHA-256 in constant
 * time, checks expiry (revocation, end of a rotation's grace), the organisation's status and
 * the route's scope, and bounds the body size. Unknown prefix and wrong secret give the same
 * answer, so a prefix alone reveals nothing.
 */
@Injectable()
export class ApiKeyAuthenticator implements Authenticator, OnModuleInit {
  constructor(
    private readonly cache: ApiKeyCache,
    private readonly reflector: Reflector,
    private readonly authenticators: Authenticators,
    @Inject(APP_CONFIG) private readonly config: ShopB2bConfig,
  ) {}

  onModuleInit(): void {
    this.authenticators.register(API_KEY_SCHEME, this);
  }

  async authenticate(ctx: ExecutionContext): Promise<void> {
    const req = ctx.switchToHttp().getRequest<B2bRequest & { body?: unknown }>();
    const key = presentedKey(req.headers);
    const parsed = parseApiKey(key);
    if (!parsed.ok) throw new UnauthorizedException(parsed.reason);
    const found = await this.cache.get(parsed.prefix);
    if (!found || !apiKeyMatches(key, found.secretHash))
      throw new UnauthorizedException('unknown API key');
    if (found.expiresAt && found.expiresAt.getTime() <= Date.now())
      throw new UnauthorizedException(
        found.status === 'REVOKED'
          ? 'this API key has been revoked'
          : 'this API key has expired (it was rotated); use its successor',
      );
    if (!found.organisation || !found.tier)
      throw new ServiceUnavailableException(
        'this API key is not fully provisioned yet; retry in a moment',
      );
    if (found.organisation.status !== 'ACTIVE')
      throw new ForbiddenException(`organisation ${found.organisation.id} is suspended`);
    const scope =
      this.reflector.getAllAndOverride<ApiKeyScope | undefined>(B2B_SCOPE, [
        ctx.getHandler(),
        ctx.getClass(),
      ]) ?? 'read';
    if (!found.scopes.includes(scope))
      throw new ForbiddenException(
        `this API key lacks the scope "${scope}" (it has: ${found.scopes.join(', ')})`,
      );
    const length = Number(single(req.headers['content-length']) ?? 0);
    if (length > this.config.B2B_MAX_BODY_BYTES)
      throw new PayloadTooLargeException(
        `request body of ${length} bytes is over the B2B limit of ${this.config.B2B_MAX_BODY_BYTES}`,
      );
    const { tierId: _t, version: _v, ...tier } = found.tier;
    req.b2b = {
      keyId: found.id,
      prefix: found.prefix,
      scopes: found.scopes,
      expiresAt: found.expiresAt,
      organisation: found.organisation,
      tier,
    };
  }
}
