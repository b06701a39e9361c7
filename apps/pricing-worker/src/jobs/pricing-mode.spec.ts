import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsFirm, planMode } from './pricing-mode';

const rules = { PRICING_FIRM_ABOVE_BYTES: 1000, PRICING_FIRM_ABOVE_CENTS: 50_000 };

describe('pricing mode rules', () => {
  it('prices FIRM when the customer asks for it, whatever the size', () => {
    assert.deepEqual(planMode('FIRM', 10, rules), { mode: 'FIRM', why: 'requested' });
  });

  it('prices a file above the size threshold FIRM although INDICATIVE was asked for', () => {
    assert.deepEqual(planMode('INDICATIVE', 1001, rules), { mode: 'FIRM', why: 'file size' });
    assert.equal(planMode('INDICATIVE', 1000, rules).mode, 'INDICATIVE');
  });

  it('upgrades an indicative price above the value threshold, and only then', () => {
    const plan = planMode('INDICATIVE', 10, rules);
    assert.equal(plan.mode, 'INDICATIVE');
    assert.equal(needsFirm(plan, 50_001), true);
    assert.equal(needsFirm(plan, 50_000), false);
    assert.equal(needsFirm(planMode('FIRM', 10, rules), 10 ** 9), false, 'already firm');
  });
});
