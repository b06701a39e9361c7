import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiBearerAuth,
} from '@nestjs/swagger';
import { z } from 'zod';
import { Problem } from '@fabflow/contracts';

export const ENDPOINT_SCHEMAS = 'fabflow:endpoint-schemas';

export interface EndpointSpec {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  /** Response schemas by status; used for the OpenAPI document. */
  responses: Record<number, z.ZodType | null>;
  /** Statuses of problem responses this route can give, besides 400/401/403. */
  problems?: number[];
  public?: boolean;
  /** An example request body for the OpenAPI document. */
  example?: unknown;
  /** Example response bodies by status for the OpenAPI document. */
  responseExamples?: Record<number, unknown>;
}

type JsonSchema = Record<string, unknown>;

const fields = (o: z.ZodObject | undefined) =>
  Object.entries(o?.shape ?? {}) as Array<[string, z.ZodType]>;

/** The OpenAPI 3.0 schema of a zod schema: the same schema that validates the request. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
}

/**
 * Declares a route's request and response schemas once: the validation interceptor parses
 * body, query and params with them, and the OpenAPI document is generated from them.
 */
export function Endpoint(spec: EndpointSpec): MethodDecorator {
  const decorators: Array<MethodDecorator | ClassDecorator> = [
    SetMetadata(ENDPOINT_SCHEMAS, spec),
    ApiOperation({ summary: spec.summary }),
  ];
  if (!spec.public) decorators.push(ApiBearerAuth());
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
  const problem = openApiSchema(Problem, 'output') as never;
  const problems = [400, ...(spec.public ? [] : [401, 403]), ...(spec.problems ?? [])];
  for (const status of problems) {
    decorators.push(
      ApiResponse({ status, description: 'Problem details (RFC 9457)', schema: problem }),
    );
  }
  return applyDecorators(...decorators);
}
