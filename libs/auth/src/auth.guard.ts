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

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only these roles may call the route (admin always may). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

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
 * Global guard: every route needs a valid bearer token unless marked `@Public()`, and the
 * token's role must be among `@Roles(...)` when the route declares them.
 */
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
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
