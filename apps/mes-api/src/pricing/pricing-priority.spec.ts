import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@fabflow/config';
import { mesConfigSpec } from '../mes.config';
import { pricingPriority } from './pricing-priority';

describe('pricing priority', () => {
  it('puts B2C before B2B by default (BullMQ: lower runs sooner)', () => {
    const config = loadConfig(mesConfigSpec, {});
    assert.ok(pricingPriority('B2C', config) < pricingPriority('B2B', config));
    assert.equal(pricingPriority('B2C', config), 1);
    assert.equal(pricingPriority('B2B', config), 10);
  });

  it('takes the priorities from configuration', () => {
    const config = loadConfig(mesConfigSpec, {
      PRICING_PRIORITY_B2C: '7',
      PRICING_PRIORITY_B2B: '3',
    });
    assert.equal(pricingPriority('B2C', config), 7);
    assert.equal(pricingPriority('B2B', config), 3);
  });

  it('refuses a priority BullMQ cannot store, naming the variable', () => {
    assert.throws(
      () => loadConfig(mesConfigSpec, { PRICING_PRIORITY_B2B: '3000000' }),
      /PRICING_PRIORITY_B2B/,
    );
  });
});
