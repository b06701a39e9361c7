// docker-compose.yml is checked with `docker-compose config` (no Docker engine runs here).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compose = (...args) =>
  execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('docker-compose.yml', () => {
  it('is a valid compose file', () => {
    compose('config', '-q');
  });

  it('runs Postgres, Redis, RabbitMQ and every service, each service built from deploy/', () => {
    const services = compose('config', '--services').trim().split('\n').sort();
    assert.deepEqual(services, [
      'crm-api',
      'mes-api',
      'postgres',
      'pricing-worker',
      'rabbitmq',
      'redis',
      'shop-api',
    ]);
    const resolved = compose('config');
    for (const svc of ['shop-api', 'crm-api', 'mes-api', 'pricing-worker']) {
      assert.match(resolved, new RegExp(`SERVICE: ${svc}`), `${svc} is built with SERVICE=${svc}`);
    }
    assert.match(resolved, /dockerfile: deploy\/docker\/service\.Dockerfile/);
  });
});
