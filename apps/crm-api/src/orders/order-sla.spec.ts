import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ORDER_SLA, orderSlaFromEnv } from './order-sla';

describe('order SLA from the environment', () => {
  it('reads STATUS=duration pairs in seconds, minutes, hours and days', () => {
    assert.deepEqual(orderSlaFromEnv.parse('AWAITING_CONFIRMATION=90s, CONFIRMED=30m,ON_HOLD=2d'), {
      AWAITING_CONFIRMATION: 90_000,
      CONFIRMED: 1_800_000,
      ON_HOLD: 172_800_000,
    });
    assert.equal(orderSlaFromEnv.parse(DEFAULT_ORDER_SLA).IN_PRODUCTION, 5 * 86_400_000);
  });

  it('names the bad part: an unknown status or a duration without a unit', () => {
    const unknown = orderSlaFromEnv.safeParse('AWAITING=4h');
    assert.equal(unknown.success, false);
    assert.match(unknown.error.issues[0]!.message, /unknown order status "AWAITING"/);
    const unitless = orderSlaFromEnv.safeParse('CONFIRMED=24');
    assert.equal(unitless.success, false);
    assert.match(unitless.error.issues[0]!.message, /"CONFIRMED=24" is not STATUS=/);
  });
});
