import type { INestApplication, Type } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  SecuritySchemeObject,
} from '@nestjs/swagger';
import { routeAccess, type RouteAccess } from '@fabflow/auth';
import {
  IDEMPOTENCY_KEY_HEADER,
  type IdempotencyKeyHeaderSpec,
} from './idempotent-posts.decorator';
import { problemResponse } from './openapi-schema';

/** The operation id of a controller method: Nest's default, named here so routes can be found by it. */
export const operationId = (controller: string, method: string): string =>
  `${controller}_${method}`;

/** The scheme of bearer access tokens (JWT), the default of every route. */
export const BEARER_SCHEME = 'bearer';

interface Route {
  controller: Type<unknown>;
  handler: (...args: never[]) => unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Every controller method of the app, by the operation id the document gives its route. */
function routesByOperationId(app: INestApplication): Map<string, Route> {
  const scanner = new MetadataScanner();
  const routes = new Map<string, Route>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown>;
      const prototype = controller.prototype as Record<string, Route['handler']>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const id = operationId(controller.name, name);
        const known = routes.get(id);
        if (known && known.controller !== controller)
          throw new Error(`two controllers are named ${controller.name}: operation ids clash`);
        routes.set(id, { controller, handler: prototype[name]! });
      }
    }
  }
  return routes;
}

function addProblem(op: OperationObject, status: number): void {
  op.responses[status] ??= problemResponse();
}

/** Security, 401/403 and (for role-restricted routes) the roles, from the route's access rule. */
function declareAccess(op: OperationObject, access: RouteAccess, used: Set<string>): void {
  switch (access.kind) {
    case 'public':
      op.security = [];
      return;
    case 'scheme':
      used.add(access.scheme);
      op.security = [{ [access.scheme]: [] }];
      addProblem(op, 401);
      addProblem(op, 403);
      return;
    case 'token':
      used.add(BEARER_SCHEME);
      op.security = [{ [BEARER_SCHEME]: [] }];
      addProblem(op, 401);
      // A token of another issuer whose keys cannot be fetched right now (with Retry-After).
      addProblem(op, 503);
      if (access.roles) {
        addProblem(op, 403);
        const roles = [...new Set([...access.roles, 'admin'])].join(', ');
        op.description = [op.description, `Roles: ${roles}.`].filter(Boolean).join('\n\n');
      }
  }
}

function declareIdempotencyKey(op: OperationObject, spec: IdempotencyKeyHeaderSpec): void {
  const parameters = (op.parameters ??= []) as ParameterObject[];
  if (!parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'))
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: spec.required,
      description: spec.description,
      schema: spec.schema,
    });
  for (const status of spec.problems) addProblem(op, status);
}

/**
 * Writes into the document what the route decorators make the server do: each operation's
 * security (`[]` for public routes, the scheme of `@AuthScheme`, else a bearer token) with the
 * 401/403 (and, for tokens, 503) the guard gives, and the `Idempotency-Key` header of POSTs under `@IdempotentPosts`.
 * Read from the same metadata the guard and the interceptor act on, so the document cannot
 * drift from them. Fails on a route whose scheme has no security scheme to declare.
 */
export function declareRouteAccess(
  document: OpenAPIObject,
  app: INestApplication,
  schemes: Record<string, SecuritySchemeObject>,
): void {
  const routes = routesByOperationId(app);
  const reflector = new Reflector();
  const used = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const route = routes.get(op.operationId ?? '');
      if (!route)
        throw new Error(`${method.toUpperCase()} ${path}: no controller method for its operation`);
      declareAccess(op, routeAccess(reflector, route.handler, route.controller), used);
      const idempotency = reflector.getAllAndOverride<IdempotencyKeyHeaderSpec | undefined>(
        IDEMPOTENCY_KEY_HEADER,
        [route.handler, route.controller],
      );
      if (idempotency && method === 'post') declareIdempotencyKey(op, idempotency);
    }
  }
  const securitySchemes: Record<string, SecuritySchemeObject> = {};
  for (const name of [...used].sort()) {
    const scheme = schemes[name];
    if (!scheme) throw new Error(`routes use the auth scheme "${name}", which is not documented`);
    securitySchemes[name] = scheme;
  }
  document.components = { ...document.components, securitySchemes };
}
