import {
  applyDecorators,
  Controller,
  createParamDecorator,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiTags, type SecuritySchemeObject } from '@nestjs/swagger';
import { AuthScheme } from '@fabflow/auth';
import type { ApiKeyScope, TierLimits } from '@fabflow/contracts';
import { RateLimit, RateLimitGuard } from '@fabflow/rate-limit';
import type { IdempotencyPrincipal } from '../../idempotency/idempotency-options';
import { Idempotent } from '../../idempotency/idempotent.decorator';

export const API_KEY_SCHEME = 'api-key';
/** How the OpenAPI document declares the `api-key` scheme (see `presentedKey`). */
export const API_KEY_SECURITY_SCHEME: SecuritySchemeObject = {
  type: 'apiKey',
  in: 'header',
  name: 'X-API-Key',
  description:
    'A B2B API key (`ff_live_…`) in `X-API-Key`, or as `Authorization: Bearer ff_live_…`; issued, rotated and revoked in the CRM.',
};
export const B2B_RATE_LIMIT_POLICY = 'b2b';
export const B2B_SCOPE = 'fabflow:b2b-scope';

/** The caller of a B2B route: the verified key, its organisation and tier. */
export interface B2bPrincipal {
  keyId: string;
  prefix: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  organisation: { id: string; name: string; status: 'ACTIVE' | 'SUSPENDED' };
  tier: TierLimits & { id: string; name: string };
}

export interface B2bRequest {
  headers: Record<string, string | string[] | undefined>;
  b2b?: B2bPrincipal;
}

/** B2B Idempotency-Keys are the API key's: another key of the organisation is another scope. */
const apiKeyPrincipal = (req: B2bRequest): IdempotencyPrincipal | undefined =>
  req.b2b && { kind: 'api-key', id: req.b2b.keyId };

/** The scope a B2B route needs (403 without it); `read` when not declared. */
export const RequireScope = (scope: ApiKeyScope) => SetMetadata(B2B_SCOPE, scope);

/**
 * A controller of the B2B API under `/b2b/v1`: authenticated by API key (the global guard's
 * `api-key` scheme, never by a bearer token), rate-limited per key by its tier, and every POST
 * needs an Idempotency-Key. Declared once here, so no B2B route can miss one of them.
 */
export function B2bController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`b2b/v1/${path}`),
    AuthScheme(API_KEY_SCHEME),
    UseGuards(RateLimitGuard),
    RateLimit(B2B_RATE_LIMIT_POLICY),
    Idempotent({ required: true, principal: apiKeyPrincipal }),
    ApiTags('b2b'),
  );
}

export const CurrentApiKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): B2bPrincipal => {
    const principal = ctx.switchToHttp().getRequest<B2bRequest>().b2b;
    if (!principal) throw new UnauthorizedException('API key required');
    return principal;
  },
);
