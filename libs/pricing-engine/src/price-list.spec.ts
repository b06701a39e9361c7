import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePriceList } from './price-list.js';
import { samplePriceList } from './testing/fixtures.js';

function errorsOf(input: unknown): string[] {
  const result = validatePriceList(input);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.errors;
}

describe('validatePriceList', () => {
  it('accepts a valid list and returns a clean copy with sorted quantity breaks', () => {
    const input = { ...samplePriceList(), extra: 'dropped' };
    input.quantityBreaks = [...input.quantityBreaks].reverse();
    const result = validatePriceList(input);
    assert.ok(result.ok);
    assert.deepEqual(result.value, samplePriceList());
    assert.notEqual(result.value, input);
  });

  it('reports every problem with its path', () => {
    const input = samplePriceList() as unknown as Record<string, unknown>;
    const materials = input.materials as Record<string, unknown>[];
    materials[1]!.pricePerCm3Cents = -1;
    materials[2]!.technology = 'CNC';
    materials[3]!.id = 'pla-black';
    input.currency = 'eur';
    input.minimumPriceCents = 12.5;
    input.leadTimes = { STANDARD: { multiplier: 1, businessDays: 5 } };
    input.machineHourlyRateCents = { FDM: 600 };
    assert.deepEqual(errorsOf(input), [
      'currency must be an ISO 4217 code',
      'materials[1].pricePerCm3Cents must be a non-negative number',
      'materials[2].technology must be one of FDM, SLA, SLS, MJF',
      'materials[3].id "pla-black" is duplicated',
      'machineHourlyRateCents.SLA must be a non-negative number',
      'machineHourlyRateCents.SLS must be a non-negative number',
      'machineHourlyRateCents.MJF must be a non-negative number',
      'leadTimes.ECONOMY must be an object',
      'leadTimes.ECONOMY.multiplier must be a positive number',
      'leadTimes.ECONOMY.businessDays must be a non-negative integer',
      'leadTimes.EXPRESS must be an object',
      'leadTimes.EXPRESS.multiplier must be a positive number',
      'leadTimes.EXPRESS.businessDays must be a non-negative integer',
      'minimumPriceCents must be a non-negative integer',
    ]);
  });

  it('rejects non-objects, empty material lists and discounts of 100 %', () => {
    assert.deepEqual(errorsOf(null), ['price list must be an object']);
    assert.ok(
      errorsOf({ ...samplePriceList(), materials: [] }).includes(
        'materials must be a non-empty array',
      ),
    );
    const freebies = {
      ...samplePriceList(),
      quantityBreaks: [{ minQuantity: 1, discountPercent: 100 }],
    };
    assert.deepEqual(errorsOf(freebies), [
      'quantityBreaks[0].discountPercent must be a non-negative number ≤ 99',
    ]);
  });
});
