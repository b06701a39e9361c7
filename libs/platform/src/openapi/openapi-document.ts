import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type SecuritySchemeObject,
} from '@nestjs/swagger';
import { problemSchema } from './openapi-schema';
import { BEARER_SCHEME, declareRouteAccess, operationId } from './route-access.document';

/** What a service says about its API besides its routes. */
export interface OpenApiInfo {
  /** `Shop API`: the document is titled `Fabflow Shop API`. */
  title: string;
  description: string;
  /**
   * The OpenAPI security scheme of each `@AuthScheme(...)` its routes use, by scheme name
   * (bearer access tokens are always known).
   */
  securitySchemes?: Record<string, SecuritySchemeObject>;
}

/** The scheme of bearer access tokens, as every service documents it. */
export const BEARER: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description:
    'An access token from a login or refresh route (EdDSA/ES256 JWT, ≤ 15 min; customers at the shop, staff at the CRM; keys at /.well-known/jwks.json of the issuer): `Authorization: Bearer <token>`.',
};

/**
 * The OpenAPI document of a service: the routes' own schemas (`@Endpoint`), their security
 * and idempotency headers from the route decorators, problem details as one shared schema.
 * Served at /docs/json and committed under docs/api (`npm run api:docs`); both come from
 * here, so they are the same document.
 */
export function createOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`Fabflow ${info.title}`)
    .setDescription(info.description)
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'The host that serves this document')
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
  declareRouteAccess(document, app, { [BEARER_SCHEME]: BEARER, ...info.securitySchemes });
  const { openapi, info: documentInfo, servers, tags, paths, components } = document;
  return {
    openapi,
    info: documentInfo,
    servers,
    ...(tags && tags.length > 0 ? { tags } : {}),
    paths,
    components: {
      securitySchemes: components?.securitySchemes ?? {},
      schemas: { ...components?.schemas, Problem: problemSchema() },
    },
  };
}
