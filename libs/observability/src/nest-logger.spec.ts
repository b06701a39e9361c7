import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

function nestLogger(level: string) {
  const lines: Array<{ level: string; msg: string; context?: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      cb();
    },
  });
  return { lines, nest: new PinoNestLogger(createLogger({ service: 's', level, destination })) };
}

describe('PinoNestLogger', () => {
  it("keeps Nest's route-mapping and module-wiring lines out of an info log", () => {
    const { lines, nest } = nestLogger('info');
    nest.log('Mapped {/orders, GET} route', 'RouterExplorer');
    nest.log('OrdersController {/orders}:', 'RoutesResolver');
    nest.log('OrdersModule dependencies initialized', 'InstanceLoader');
    nest.log('Nest application successfully started', 'NestApplication');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [['info', 'Nest application successfully started']],
    );
  });

  it('shows them at debug, with their context', () => {
    const { lines, nest } = nestLogger('debug');
    nest.log('Mapped {/orders, GET} route', 'RouterExplorer');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.context]),
      [['debug', 'Mapped {/orders, GET} route', 'RouterExplorer']],
    );
  });

  it('passes warnings and errors through at their own level', () => {
    const { lines, nest } = nestLogger('info');
    nest.warn('careful', 'RouterExplorer');
    nest.error('broken', 'stack', 'ExceptionHandler');
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'error'],
    );
  });
});
