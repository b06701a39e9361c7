import { SetMetadata, type Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Role } from '@fabflow/contracts';

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

/**
 * Who may call a route, as its decorators (`@Public`, `@AuthScheme`, `@Roles`, on the handler
 * or its controller) say: public, another scheme's authenticator, or a bearer access token
 * (of one of `roles` when given).
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'token'; roles: readonly Role[] | undefined };

/**
 * The access rule of a route. The global guard enforces exactly this and the OpenAPI document
 * declares exactly this (security, 401/403), so the two cannot disagree.
 */
export function routeAccess(
  reflector: Pick<Reflector, 'getAllAndOverride'>,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- what Nest's ExecutionContext hands out
  handler: Function,
  controller: Type<unknown>,
): RouteAccess {
  const targets = [handler, controller];
  if (reflector.getAllAndOverride<boolean | undefined>(PUBLIC, targets)) return { kind: 'public' };
  const scheme = reflector.getAllAndOverride<string | undefined>(SCHEME, targets);
  if (scheme !== undefined) return { kind: 'scheme', scheme };
  return { kind: 'token', roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) };
}
