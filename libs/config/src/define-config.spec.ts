import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  ConfigError,
  defineConfig,
  loadConfig,
  loadConfigOrExit,
  sensitiveKeys,
} from './define-config';
import { intFromEnv, urlListFromEnv } from './env-types';

const spec = defineConfig({
  PORT: { schema: intFromEnv(1, 65535), description: 'port' },
  AMQP_URLS: { schema: urlListFromEnv(['amqp:']), description: 'brokers', sensitive: true },
  MODE: { schema: z.enum(['a', 'b']).default('a'), description: 'mode' },
});

describe('loadConfig', () => {
  it('parses and types every variable', () => {
    const cfg = loadConfig(spec, { PORT: '3000', AMQP_URLS: 'amqp://a:5672, amqp://b:5673' });
    assert.equal(cfg.PORT, 3000);
    assert.deepEqual(cfg.AMQP_URLS, ['amqp://a:5672', 'amqp://b:5673']);
    assert.equal(cfg.MODE, 'a');
  });

  it('names every invalid variable at once and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig(spec, { PORT: 'abc', AMQP_URLS: 'http://secret-host', MODE: 'c' });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.issues.map((i) => i.variable),
      ['PORT', 'AMQP_URLS', 'MODE'],
    );
    assert.doesNotMatch(error.message, /secret-host/);
  });

  it('reports a missing required variable as not set', () => {
    assert.throws(() => loadConfig(spec, { AMQP_URLS: 'amqp://a' }), /PORT: .*not set/);
  });

  it('lists sensitive keys for log redaction', () => {
    assert.deepEqual(sensitiveKeys(spec), ['AMQP_URLS']);
  });
});

describe('loadConfigOrExit', () => {
  it('returns the parsed config when every variable is valid', () => {
    const saved = process.env.FABFLOW_TEST_PORT;
    process.env.FABFLOW_TEST_PORT = '8080';
    try {
      const cfg = loadConfigOrExit(
        { FABFLOW_TEST_PORT: { schema: intFromEnv(1, 65535), description: 'p' } },
        'test',
      );
      assert.equal(cfg.FABFLOW_TEST_PORT, 8080);
    } finally {
      if (saved === undefined) delete process.env.FABFLOW_TEST_PORT;
      else process.env.FABFLOW_TEST_PORT = saved;
    }
  });
});
