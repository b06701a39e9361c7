import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTransientDbError, isUniqueViolation } from './pg-errors';

describe('isTransientDbError', () => {
  it('recognises a server going away, refusing connections or starting up', () => {
    for (const err of [
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
    ])
      assert.equal(isTransientDbError(err), true, err.message);
  });

  it('does not retry errors in the request or the data', () => {
    for (const err of [
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      Object.assign(new Error('syntax error'), { code: '42601' }),
      Object.assign(new Error('value too long'), { code: '22001' }),
      new Error('handler bug'),
      undefined,
    ])
      assert.equal(isTransientDbError(err), false, String(err));
  });

  it('leaves unique violations to isUniqueViolation', () => {
    const err = Object.assign(new Error('dup'), { code: '23505', constraint: 'orders_pkey' });
    assert.equal(isUniqueViolation(err, 'orders_pkey'), true);
    assert.equal(isTransientDbError(err), false);
  });
});
