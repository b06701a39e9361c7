import {
  createParamDecorator,
  UnauthorizedException,
  ForbiddenException,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { routeAccess, type RouteAccess } from './route-access';
import {
  InvalidTokenError,
  KeysUnavailableError,
  type AccessTokenVerification,
  type Principal,
} from './tokens';

/** Authenticates (and authorises) a request of its scheme; throws 401/403 to refuse it. */
export interface Authenticator {
  authenticate(ctx: ExecutionContext): Promise<void>;
}

/** The authenticators of the non-token schemes, registered by the modules that own them. */
export class Authenticators {
  private readonly byScheme = new Map<string, Authenticator>();

  register(scheme: string, authenticator: Authenticator): void {
    if (this.byScheme.has(scheme)) throw new Error(`auth scheme "${scheme}" registered twice`);
    this.byScheme.set(scheme, authenticator);
  }

  get(scheme: string): Authenticator | undefined {
    return this.byScheme.get(scheme);
  }
}

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The authenticated caller of this request. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new UnauthorizedException('authentication required');
  return principal;
});

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()` (or
 * `@AuthScheme(...)`, then that scheme's authenticator decides), and the token's role must be
 * among `@Roles(...)` when the route declares them.
 */
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokenVerification,
    private readonly reflector: Reflector,
    private readonly authenticators: Authenticators = new Authenticators(),
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const access = routeAccess(this.reflector, ctx.getHandler(), ctx.getClass());
    if (access.kind === 'public') return true;
    if (access.kind === 'scheme') {
      const authenticator = this.authenticators.get(access.scheme);
      if (!authenticator)
        throw new UnauthorizedException(
          `authentication scheme "${access.scheme}" is not available`,
        );
      return authenticator.authenticate(ctx).then(() => true);
    }
    return this.checkToken(ctx, access);
  }

  private async checkToken(
    ctx: ExecutionContext,
    access: Extract<RouteAccess, { kind: 'token' }>,
  ): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match?.[1])
      throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    try {
      const { userId, role } = await this.tokens.verify(match[1]);
      req.principal = { userId, role };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new UnauthorizedException(err.message);
      if (err instanceof KeysUnavailableError) {
        ctx
          .switchToHttp()
          .getResponse<{ header(name: string, value: string): unknown }>()
          .header('retry-after', String(err.retryAfterSeconds));
        throw new ServiceUnavailableException(err.message);
      }
      throw err;
    }
    const { roles } = access;
    if (roles && req.principal.role !== 'admin' && !roles.includes(req.principal.role)) {
      throw new ForbiddenException(`this action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
