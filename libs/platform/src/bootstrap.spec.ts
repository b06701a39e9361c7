import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@fabflow/observability';
import { bootstrapService } from './bootstrap';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('bootstrapService', () => {
  const warnings: Error[] = [];
  const lines: Array<{ level: string; msg: string; context?: string }> = [];
  let app: NestFastifyApplication;
  let url: string;

  before(async () => {
    process.on('warning', (w) => warnings.push(w));
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        cb();
      },
    });
    app = await bootstrapService({
      module: EchoModule,
      api: { title: 'Echo API', description: 'bootstrap test' },
      logger: createLogger({ service: 'echo', level: 'info', destination }),
      host: '127.0.0.1',
      port: 0,
      docs: false,
      bodyLimitBytes: 1024,
    });
    url = await app.getUrl();
  });
  after(() => app.close());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('starts quietly: no process warning, no warn line, no route-mapping lines at info', async () => {
    // Emitted warnings reach 'warning' listeners on a later tick.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      warnings.map((w) => `${(w as { code?: string }).code ?? w.name}: ${w.message}`),
      [],
    );
    assert.deepEqual(
      lines.filter((l) => l.level !== 'info').map((l) => l.msg),
      [],
    );
    assert.ok(lines.some((l) => l.msg === 'Echo API listening'));
    assert.deepEqual(
      lines.filter((l) => l.context === 'RouterExplorer' || l.context === 'RoutesResolver'),
      [],
    );
  });

  it("answers Fastify's own 4xx as problem+json with the reason", async () => {
    const cases: Array<[Response, number, RegExp]> = [
      [await post('{"a": 1,'), 400, /JSON/],
      [await post(JSON.stringify({ pad: 'x'.repeat(2048) })), 413, /body/i],
      [await post('a=1', 'text/csv'), 415, /Unsupported Media Type/],
    ];
    for (const [res, status, detail] of cases) {
      assert.equal(res.status, status);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as { status: number; detail: string; instance: string };
      assert.equal(problem.status, status);
      assert.match(problem.detail, detail);
      assert.equal(problem.instance, '/echo');
    }
    assert.equal((await post('{"a":1}')).status, 201);
  });
});
