import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterQuery } from './api';
import { isOverdue } from './format';
import { NO_FILTERS } from './types';

describe('dashboard filters → API query', () => {
  it('names statuses only for the list, and makes the due-to day inclusive', () => {
    const f = {
      ...NO_FILTERS,
      statuses: ['QUEUED' as const, 'REWORK' as const],
      dueTo: '2026-12-24',
    };
    assert.equal(
      filterQuery(f, { statuses: true }).toString(),
      'status=QUEUED%2CREWORK&dueBefore=2026-12-25T00%3A00%3A00Z',
    );
    assert.equal(filterQuery(f, { statuses: false }).get('status'), null);
  });

  it('asks for "overdue" as due before the current minute, so dashboards share cache entries', () => {
    const before = filterQuery({ ...NO_FILTERS, overdue: true }, { statuses: true }).get(
      'dueBefore',
    );
    assert.ok(before);
    assert.equal(new Date(before).getUTCSeconds(), 0);
    assert.ok(Date.now() - Date.parse(before) < 60_000);
  });

  it('marks unfinished work past its due date as overdue, finished work never', () => {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    assert.equal(isOverdue({ dueAt: past, status: 'PACKED' }), true);
    assert.equal(isOverdue({ dueAt: past, status: 'SHIPPED' }), false);
    assert.equal(
      isOverdue({ dueAt: new Date(Date.now() + 3_600_000).toISOString(), status: 'QUEUED' }),
      false,
    );
  });
});
