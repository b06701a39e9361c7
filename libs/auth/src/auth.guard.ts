import {
  createParamDecorator,
  SetMetadata,
  UnauthorizedException,
  ForbiddenException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Role } from '@fabflow/contracts';
import { InvalidTokenError, type Principal, type TokenService } from './tokens';

const PUBLIC = 'fabflow:public';
const ROLES = 'fabflow:roles';
const SCHEME = 'fabflow:auth-scheme';

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route (admin always may). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
/**
 * The route authenticates with another scheme (`'api-key'` for the B2B API) instead of a
 * bearer access token: the global guard hands the request to that scheme's authenticator,
 * and refuses it (401) when none is registered, so marking a route never makes it public.
 */
export const AuthScheme = (scheme: string) => SetMetadata(SCHEME, scheme);

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
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
    private readonly authenticators: Authenticators = new Authenticators(),
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const scheme = this.reflector.getAllAndOverride<string | undefined>(SCHEME, targets);
    if (scheme !== undefined) {
      const authenticator = this.authenticators.get(scheme);
      if (!authenticator)
        throw new UnauthorizedException(`authentication scheme "${scheme}" is not available`);
      return authenticator.authenticate(ctx).then(() => true);
    }
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match?.[1])
      throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    try {
      req.principal = this.tokens.verify(match[1]);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw new UnauthorizedException(err.message);
      throw err;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && req.principal.role !== 'admin' && !roles.includes(req.principal.role)) {
      throw new ForbiddenException(`this action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
