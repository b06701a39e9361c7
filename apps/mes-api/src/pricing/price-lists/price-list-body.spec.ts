import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PriceListPublished } from '@fabflow/contracts';
import { materialsOf, toPriceListPublished } from './price-list-body';

/** The body seeded by the machines/price-lists migration, read from the SQL itself. */
function seededBody(): unknown {
  const sql = readFileSync(
    join(__dirname, '..', '..', '..', 'migrations', '20261201000000_mes_machines_price_lists.sql'),
    'utf8',
  );
  const json = /'(\{\s*"version": "2026-12-01"[\s\S]*?\})'::jsonb/.exec(sql)?.[1];
  assert.ok(json, 'the seeded price list is in the migration');
  return JSON.parse(json);
}

describe('price list announcement', () => {
  it('turns the seeded price list into a valid PriceListPublished', () => {
    const data = toPriceListPublished(seededBody(), new Date('2026-12-01T08:00:00Z'));
    PriceListPublished.schema.parse(data);
    assert.equal(data.priceListVersion, '2026-12-01');
    assert.equal(data.currency, 'EUR');
    assert.deepEqual(
      data.materials.map((m) => m.id),
      ['pla-black', 'petg-clear', 'resin-grey', 'pa12-sls', 'pa12-mjf'],
    );
    assert.deepEqual(data.leadTimes, [
      { tier: 'ECONOMY', businessDays: 10 },
      { tier: 'STANDARD', businessDays: 5 },
      { tier: 'EXPRESS', businessDays: 2 },
    ]);
    assert.equal(data.publishedAt, '2026-12-01T08:00:00.000Z');
  });

  it('refuses a body without materials, naming what is missing', () => {
    assert.throws(
      () => toPriceListPublished({ version: 'x', currency: 'EUR', leadTimes: {} }, new Date()),
      /materials/,
    );
    assert.deepEqual(materialsOf({ nothing: true }), []);
  });
});
