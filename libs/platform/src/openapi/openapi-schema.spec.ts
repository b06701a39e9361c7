import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { openApiSchema } from './openapi-schema';

describe('openApiSchema: the OpenAPI 3.0 schema of a zod schema', () => {
  it('writes a record keyed by an enum out as an object with every key', () => {
    const counts = openApiSchema(z.record(z.enum(['QUEUED', 'DONE']), z.number().int()), 'output');
    assert.deepEqual(Object.keys(counts.properties as object), ['QUEUED', 'DONE']);
    assert.deepEqual(counts.required, ['QUEUED', 'DONE']);
    assert.equal(counts.additionalProperties, false);
  });

  it('keeps an open record and an object with a catch-all as they are', () => {
    const open = openApiSchema(z.record(z.string(), z.number()), 'output');
    assert.equal(open.properties, undefined);
    assert.deepEqual(open.additionalProperties, { type: 'number' });
    const extra = openApiSchema(z.object({ a: z.string() }).catchall(z.number()), 'output');
    assert.deepEqual(extra.additionalProperties, { type: 'number' });
  });

  it('lets a nullable enum take null', () => {
    const mode = openApiSchema(z.enum(['FIRM', 'INDICATIVE']).nullable(), 'output');
    assert.deepEqual(mode.enum, ['FIRM', 'INDICATIVE', null]);
    assert.equal(mode.nullable, true);
  });
});
