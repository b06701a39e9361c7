import { z } from 'zod';
import { Problem } from '@fabflow/contracts';

type JsonSchema = Record<string, unknown>;

/**
 * Two spots where zod's OpenAPI 3.0 output says less than the schema means, corrected:
 * - a record keyed by an enum (`z.record(Status, z.number())`) lists every key as `required`
 *   but, 3.0 having no `propertyNames`, no `properties`: every key is present with the value
 *   schema, so it is written out as the object it is;
 * - a nullable enum must list `null` among its values (OpenAPI 3.0.3 on `nullable`), or
 *   validators and client generators refuse the null the API sends.
 */
function completeForOpenApi30(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(completeForOpenApi30);
  if (node === null || typeof node !== 'object') return;
  const s = node as JsonSchema;
  const { required, additionalProperties: values } = s;
  if (
    s.properties === undefined &&
    Array.isArray(required) &&
    typeof values === 'object' &&
    values
  ) {
    s.properties = Object.fromEntries(
      (required as string[]).map((key) => [key, structuredClone(values)]),
    );
    s.additionalProperties = false;
  }
  if (s.nullable === true && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum.push(null);
  Object.values(s).forEach(completeForOpenApi30);
}

/** The OpenAPI 3.0 schema of a zod schema: the same schema that validates the request. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
  completeForOpenApi30(json);
  return json;
}

/** Where every problem response of a document points: one schema, in components. */
export const PROBLEM_SCHEMA_REF = '#/components/schemas/Problem';
/** RFC 9457 problem details, as the problem filter sends them. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The `Problem` schema for a document's components. */
export const problemSchema = (): JsonSchema => openApiSchema(Problem, 'output');

/** A problem response of `status` (its description, the shared schema, the problem media type). */
export function problemResponse(): {
  description: string;
  content: Record<string, { schema: { $ref: string } }>;
} {
  return {
    description: 'Problem details (RFC 9457)',
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
  };
}
