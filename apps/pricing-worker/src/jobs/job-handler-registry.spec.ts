import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRICING_JOB_NAMES } from '@fabflow/contracts';
import { JobHandlerRegistry, type JobHandler } from './job-handler-registry';

const handler = (name: string): JobHandler => ({ name, process: () => Promise.resolve(name) });

describe('job handler registry', () => {
  it('serves the one handler of each job name', () => {
    const r = new JobHandlerRegistry([handler('price-quote')], PRICING_JOB_NAMES);
    assert.equal(r.get('price-quote')?.name, 'price-quote');
    assert.equal(r.get('other'), undefined);
  });

  it('refuses to start with a job name unhandled, handled twice, or unknown', () => {
    assert.throws(() => new JobHandlerRegistry([], PRICING_JOB_NAMES), /No handler.*price-quote/);
    assert.throws(
      () =>
        new JobHandlerRegistry([handler('price-quote'), handler('price-quote')], PRICING_JOB_NAMES),
      /Two handlers/,
    );
    assert.throws(
      () => new JobHandlerRegistry([handler('price-quote'), handler('x')], PRICING_JOB_NAMES),
      /unknown job name x/,
    );
  });
});
