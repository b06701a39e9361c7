import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, serviceMain } from '@fabflow/testing';
import { FabflowSystem } from './support/fabflow-system';

describe('service boot', () => {
  it('refuses to start with bad configuration and names every bad variable', () => {
    const run = spawnSync(process.execPath, [serviceMain('shop-api')], {
      env: {
        ...process.env,
        PORT: 'eighty',
        AMQP_URLS: 'http://broker.invalid',
        JWT_SECRET: 'short',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Invalid configuration \(3 variables\)/);
    for (const name of ['PORT', 'AMQP_URLS', 'JWT_SECRET'])
      assert.match(run.stderr, new RegExp(`- ${name}: `));
    assert.doesNotMatch(run.stderr, /broker\.invalid/, 'a sensitive value is not echoed');
  });
});

describe('OpenAPI documents', () => {
  let sys: FabflowSystem;
  before(async () => {
    sys = await FabflowSystem.start('docs');
  });
  after(() => sys?.stop());

  it('describe each route with the same schemas that validate it', async () => {
    const doc = await sys.client('shop').get<{
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }
        >
      >;
    }>('/docs/json');
    assert.equal(doc.status, 200);
    const schema = (path: string) =>
      doc.body.paths[path]?.post?.requestBody?.content['application/json']?.schema;
    const order = schema('/orders');
    assert.deepEqual(order?.required, ['quoteId']);
    assert.equal(order?.additionalProperties, false);
    assert.equal(
      (order?.properties as Record<string, { format?: string }>).quoteId?.format,
      'uuid',
    );
    const quote = schema('/quotes');
    assert.deepEqual(quote?.required, ['fileId', 'materialId', 'quantity']);
    assert.equal(quote?.additionalProperties, false);
    assert.deepEqual(
      (quote?.properties as Record<string, { maximum?: number }>).quantity?.maximum,
      100_000,
    );
    for (const path of ['/uploads', '/uploads/{id}/complete', '/quotes/{id}/events', '/materials'])
      assert.ok(doc.body.paths[path], `${path} is documented`);
    assert.equal(doc.body.paths['/catalog'], undefined, 'the fixed catalogue is gone');
    const html = await fetch(`${sys.shop.url}/docs`);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /swagger/i);
    for (const svc of ['crm', 'mes'] as const) {
      const d = await sys.client(svc).get<{ paths: Record<string, unknown> }>('/docs/json');
      assert.ok(Object.keys(d.body.paths).length >= 4, `${svc} documents its routes`);
    }
  });

  it('serve at /docs/json exactly the documents committed under docs/api', async () => {
    for (const svc of ['shop', 'crm', 'mes'] as const) {
      const served = await sys.client(svc).get('/docs/json');
      const committed: unknown = JSON.parse(
        readFileSync(join(REPO_ROOT, 'docs', 'api', `${svc}.openapi.json`), 'utf8'),
      );
      assert.deepEqual(
        served.body,
        committed,
        `${svc}: /docs/json is docs/api/${svc}.openapi.json`,
      );
    }
  });
});
