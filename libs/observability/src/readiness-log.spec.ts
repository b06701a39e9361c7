import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { runHealthChecks, type HealthCheck } from './health-checks';
import { createLogger } from './logger';
import { ReadinessLog } from './readiness-log';

describe('readiness: the answer says up or down, the log says why, once per change', () => {
  it('answers without error text and logs each change of each check', async () => {
    const lines: Array<{ level: string; msg: string; check: string; err?: string }> = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        cb();
      },
    });
    const log = new ReadinessLog(createLogger({ service: 's', level: 'info', destination }));
    let redisUp = false;
    const checks: HealthCheck[] = [
      { name: 'database', check: () => Promise.resolve() },
      {
        name: 'redis',
        check: () =>
          redisUp ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7')),
      },
    ];
    const probe = async () => {
      const errors = new Map<string, Error>();
      const report = await runHealthChecks(checks, (c, e) => errors.set(c, e));
      log.record(report, errors);
      return report;
    };

    const starting = await probe();
    assert.deepEqual(starting, {
      status: 'error',
      checks: { database: { status: 'up' }, redis: { status: 'down' } },
    });
    await probe(); // the same state: nothing more to log
    redisUp = true;
    await probe();
    redisUp = false;
    await probe();
    await probe();
    assert.deepEqual(
      lines.map((l) => [l.level, l.check, l.msg, l.err]),
      [
        ['info', 'redis', 'readiness check not up yet', 'connect ECONNREFUSED 10.0.0.7'],
        ['info', 'redis', 'readiness check up', undefined],
        ['warn', 'redis', 'readiness check failed', 'connect ECONNREFUSED 10.0.0.7'],
      ],
    );
  });
});
