import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { openApiSchema, problemResponse } from './openapi/openapi-schema';

export const ENDPOINT_SCHEMAS = 'fabflow:endpoint-schemas';

export interface EndpointSpec {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  /** Response schemas by status; used for the OpenAPI document. */
  responses: Record<number, z.ZodType | null>;
  /**
   * Statuses of problem responses this route can give, besides 400 (validation) and those its
   * access rule and idempotency give (401/403, 409/422), which the OpenAPI document adds itself.
   */
  problems?: number[];
  /** An example request body for the OpenAPI document. */
  example?: unknown;
  /** Example response bodies by status for the OpenAPI document. */
  responseExamples?: Record<number, unknown>;
}

const fields = (o: z.ZodObject | undefined) =>
  Object.entries(o?.shape ?? {}) as Array<[string, z.ZodType]>;

/**
 * Declares a route's request and response schemas once: the validation interceptor parses
 * body, query and params with them, and the OpenAPI document is generated from them. Who may
 * call the route is not declared here but by `@Public`/`@Roles`/`@AuthScheme`, which the
 * document follows (see `createOpenApiDocument`).
 */
export function Endpoint(spec: EndpointSpec): MethodDecorator {
  const decorators: Array<MethodDecorator | ClassDecorator> = [
    SetMetadata(ENDPOINT_SCHEMAS, spec),
    ApiOperation({ summary: spec.summary }),
  ];
  if (spec.body) {
    const schema = openApiSchema(spec.body, 'input');
    if (spec.example !== undefined) schema.example = spec.example;
    decorators.push(ApiBody({ schema: schema as never }));
  }
  for (const [name, field] of fields(spec.params)) {
    decorators.push(ApiParam({ name, schema: openApiSchema(field, 'input') }));
  }
  for (const [name, field] of fields(spec.query)) {
    const optional = field.safeParse(undefined).success;
    decorators.push(
      ApiQuery({ name, required: !optional, schema: openApiSchema(field, 'input') as never }),
    );
  }
  for (const [status, schema] of Object.entries(spec.responses)) {
    const example = spec.responseExamples?.[Number(status)];
    const json = schema ? openApiSchema(schema, 'output') : undefined;
    if (json && example !== undefined) json.example = example;
    decorators.push(
      ApiResponse({
        status: Number(status),
        description: 'OK',
        ...(json ? { schema: json } : {}),
      }),
    );
  }
  for (const status of [400, ...(spec.problems ?? [])]) {
    decorators.push(ApiResponse({ status, ...problemResponse() }));
  }
  return applyDecorators(...decorators);
}
