import { z } from 'zod';

/** The parts of an AsyncAPI 3.0 document the generators write (the parser checks the rest). */
export type JsonSchema = Record<string, unknown>;
export type Ref = { $ref: string };

export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  contentType: string;
  headers: JsonSchema;
  payload: JsonSchema;
  correlationId?: { description: string; location: string };
  bindings?: Record<string, unknown>;
  examples?: Array<{ name: string; headers?: unknown; payload: unknown }>;
}

export interface AsyncApiChannel {
  address: string | null;
  title?: string;
  description: string;
  messages: Record<string, Ref>;
  bindings?: Record<string, unknown>;
}

export interface AsyncApiOperation {
  action: 'send' | 'receive';
  channel: Ref;
  title: string;
  summary?: string;
  description?: string;
  messages: Ref[];
  bindings?: Record<string, unknown>;
}

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; url: string };
  };
  defaultContentType: string;
  servers: Record<string, Record<string, unknown>>;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: { messages: Record<string, AsyncApiMessage>; schemas?: Record<string, JsonSchema> };
}

export const LICENSE = {
  name: 'Apache-2.0',
  url: 'https://www.apache.org/licenses/LICENSE-2.0',
};

/**
 * The JSON Schema (draft-07, which AsyncAPI's default schema format extends) of a zod schema,
 * as a message carries it (the schema's output: what the sender's parse produced). A schema
 * JSON Schema cannot express (a transform, a date, a bigint…) throws: such a payload could
 * not be sent as JSON either.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as JsonSchema;
  delete json.$schema;
  return json;
}
