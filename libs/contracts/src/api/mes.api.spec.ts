import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuantityReportRequest, WorkOrderCountsQuery, WorkOrderListQuery } from './mes.api';
import { decodeWorkQueueCursor, encodeWorkQueueCursor } from './work-queue-cursor';

const position = {
  rank: 1,
  dueAt: '2026-12-24T10:00:00.123456Z',
  id: '01890000-0000-7000-8000-000000000abc',
};

describe('work queue cursor', () => {
  it('round-trips a position, microseconds included', () => {
    assert.deepEqual(decodeWorkQueueCursor(encodeWorkQueueCursor(position)), position);
  });

  it('rejects anything it did not make', () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      '',
      'abc',
      'not base64!',
      enc({ rank: 1 }),
      enc([2, position.dueAt, position.id]),
      enc([1, '2026-12-24T10:00:00Z', position.id]),
      enc([1, position.dueAt, 'not-a-uuid']),
      enc([1, position.dueAt, position.id, 'extra']),
      'x'.repeat(500),
    ])
      assert.equal(decodeWorkQueueCursor(bad), undefined, bad);
  });
});

describe('work queue list query', () => {
  it('takes statuses as a comma list or repeated, and defaults the rest', () => {
    const a = WorkOrderListQuery.parse({ status: 'QUEUED, REWORK' });
    const b = WorkOrderListQuery.parse({ status: ['QUEUED', 'REWORK'] });
    assert.deepEqual(a.status, ['QUEUED', 'REWORK']);
    assert.deepEqual(b.status, ['QUEUED', 'REWORK']);
    assert.equal(a.assignee, 'any');
    assert.equal(a.limit, 50);
  });

  it('decodes the cursor and the due range', () => {
    const q = WorkOrderListQuery.parse({
      cursor: encodeWorkQueueCursor(position),
      dueFrom: '2026-12-01',
      dueBefore: '2026-12-08T00:00:00+01:00',
    });
    assert.deepEqual(q.cursor, position);
    assert.equal(q.dueFrom?.toISOString(), '2026-12-01T00:00:00.000Z');
    assert.equal(q.dueBefore?.toISOString(), '2026-12-07T23:00:00.000Z');
  });

  it('names every bad value: unknown status, priority, assignee, field; bad cursor; empty range', () => {
    const r = WorkOrderListQuery.safeParse({
      status: 'QUEUED,DONE',
      priority: 'URGENT',
      assignee: 'bob',
      cursor: 'garbage',
      dueFrom: '2026-12-08',
      dueBefore: '2026-12-01',
      colour: 'red',
      limit: '1000',
    });
    assert.equal(r.success, false);
    const paths = r.error.issues.map((i) => (i.path.length ? i.path.join('.') : i.code));
    for (const p of ['status.1', 'priority', 'assignee', 'cursor', 'limit', 'unrecognized_keys'])
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  });

  it('checks the due range of the counts too', () => {
    assert.equal(
      WorkOrderCountsQuery.safeParse({ dueFrom: '2026-12-08', dueBefore: '2026-12-08' }).success,
      false,
    );
    assert.equal(WorkOrderCountsQuery.safeParse({ status: 'QUEUED' }).success, false);
  });
});

describe('quantity report', () => {
  it('needs at least one part and no negative counts', () => {
    assert.deepEqual(QuantityReportRequest.parse({ good: 3 }), { good: 3, scrap: 0, rework: 0 });
    assert.equal(QuantityReportRequest.safeParse({}).success, false);
    assert.equal(QuantityReportRequest.safeParse({ good: -1, scrap: 2 }).success, false);
  });
});
