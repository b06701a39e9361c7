import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger';
import { runWithContext } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts secrets, personal data and config-flagged keys', () => {
    const { lines, destination } = capture();
    const log = createLogger({
      service: 's',
      level: 'info',
      sensitiveKeys: ['AUTH_SIGNING_KEYS'],
      destination,
    });
    log.info(
      { password: 'hunter2', user: { email: 'a@b.c' }, AUTH_SIGNING_KEYS: 'k', ok: 1 },
      'hello',
    );
    const line = lines[0]!;
    assert.equal(line.password, '[redacted]');
    assert.deepEqual(line.user, { email: '[redacted]' });
    assert.equal(line.AUTH_SIGNING_KEYS, '[redacted]');
    assert.equal(line.ok, 1);
    assert.equal(line.service, 's');
  });

  it('stamps the correlation id and context fields of the current request', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 's', level: 'info', destination });
    runWithContext({ correlationId: 'req-1', fields: { order_id: 'o-1' } }, () => log.info('x'));
    assert.equal(lines[0]!.correlation_id, 'req-1');
    assert.equal(lines[0]!.order_id, 'o-1');
  });
});
