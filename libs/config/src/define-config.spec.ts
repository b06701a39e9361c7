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
import { boolFromEnv, intFromEnv, urlListFromEnv } from './env-types';

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

describe('loadConfig with NODE_ENV=production', () => {
  const prodSpec = defineConfig({
    NODE_ENV: { schema: z.string().default('development'), description: 'env' },
    SECRET: { schema: z.string().default('dev-secret'), description: 's', sensitive: true },
    URLS: {
      schema: urlListFromEnv(['amqp:']).default(['amqp://guest:guest@localhost']),
      description: 'brokers',
      sensitive: true,
    },
    SEED: { schema: boolFromEnv.default(true), description: 'seed', developmentValues: ['true'] },
    SEED_PASSWORD: {
      schema: z.string().default('dev-password'),
      description: 'p',
      sensitive: true,
      usedOnlyWith: 'SEED',
    },
    KEYS: {
      schema: z.string().transform((s) => s.split(',')),
      description: 'k',
      isDevelopment: (keys) => (keys as string[]).includes('dev-key'),
    },
    OPTIONAL_SECRET: { schema: z.string().optional(), description: 'o', sensitive: true },
    PORT: { schema: intFromEnv(1, 65535).default(3000), description: 'not a secret' },
  });
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig(prodSpec, { NODE_ENV: 'production', ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    return undefined;
  };

  it('names every development value in one error: secret defaults, declared values, dev keys', () => {
    const err = refused({ KEYS: 'real-key,dev-key' });
    assert.deepEqual(
      err?.issues.map((i) => i.variable),
      ['SECRET', 'URLS', 'SEED', 'SEED_PASSWORD', 'KEYS'],
    );
    assert.match(err.message, /SECRET: not set, and its default is a development value/);
    assert.doesNotMatch(err.message, /dev-secret|guest|dev-password|dev-key/, 'no value echoed');
  });

  it('refuses a development value set explicitly, in any spelling its schema parses the same', () => {
    const err = refused({
      SECRET: 'dev-secret',
      URLS: ' amqp://guest:guest@localhost ',
      SEED: '1',
      SEED_PASSWORD: 'x'.repeat(12),
      KEYS: 'k1',
    });
    assert.deepEqual(
      err?.issues.map((i) => [i.variable, i.message]),
      [
        ['SECRET', 'is a development value: NODE_ENV=production needs a real one'],
        ['URLS', 'is a development value: NODE_ENV=production needs a real one'],
        ['SEED', 'is a development value: NODE_ENV=production needs a real one'],
      ],
    );
  });

  it('accepts real values, and ignores the seed password while seeding is off', () => {
    const cfg = loadConfig(prodSpec, {
      NODE_ENV: 'production',
      SECRET: 'a-real-secret',
      URLS: 'amqp://fabflow:s3cret@broker:5672',
      SEED: 'false',
      KEYS: 'k1,k2',
    });
    assert.equal(cfg.SEED, false);
    assert.equal(cfg.PORT, 3000, 'defaults of other variables stay fine');
  });

  it('accepts every default outside production', () => {
    assert.equal(loadConfig(prodSpec, { KEYS: 'dev-key' }).SECRET, 'dev-secret');
    assert.equal(loadConfig(prodSpec, { NODE_ENV: 'test', KEYS: 'dev-key' }).SEED, true);
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
