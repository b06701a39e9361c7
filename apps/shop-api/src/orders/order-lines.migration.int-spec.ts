import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migrate, readMigrations, uuidv7, type Migration } from '@fabflow/db';
import { MESSAGING_MIGRATIONS_DIR } from '@fabflow/messaging';
import { createTestDatabase, type TestDatabase } from '@fabflow/testing';

const LINES_MIGRATION = '20261231000000_shop_order_lines_cart_reviews.sql';
const DAY = 86_400_000;

/*
 * The migration to orders with lines on a database with orders of before: each order becomes
 * one line whose id is the order's own (as `linesOfLegacyOrder` reads a version-1 event), its
 * totals carry over, and the quotes of cancelled orders are released as from now on.
 */
describe('shop migration to order lines (real Postgres)', () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  let all: Migration[];
  const customer = uuidv7();
  const ids = {
    inProduction: uuidv7(),
    cancelled: uuidv7(),
    lapsed: uuidv7(),
    catalogue: uuidv7(),
  };
  const quotes = { inProduction: uuidv7(), cancelled: uuidv7(), lapsed: uuidv7() };

  const legacyOrder = async (
    id: string,
    o: { quoteId: string | null; sku?: string; status: string; quantity: number; unit: number },
  ) =>
    pool.query(
      `INSERT INTO orders (id, customer_id, quote_id, sku, name, material, quantity, unit_price_cents,
         total_cents, currency, status, work_order_version)
       VALUES ($1, $2, $3, $4, 'bracket.stl', 'pla-black', $5, $6, $7, 'EUR', $8, 3)`,
      [id, customer, o.quoteId, o.sku ?? null, o.quantity, o.unit, o.quantity * o.unit, o.status],
    );
  const legacyQuote = async (id: string, validUntil: Date) =>
    pool.query(
      `INSERT INTO quotes (id, customer_id, file_id, material_id, quantity, lead_time, mode, status,
         price, valid_until)
       VALUES ($1, $2, $3, 'pla-black', 2, 'STANDARD', 'INDICATIVE', 'ACCEPTED', '{"totalCents": 2500}', $4)`,
      [id, customer, fileId, validUntil],
    );
  const fileId = uuidv7();

  before(async () => {
    tdb = await createTestDatabase('shoplines');
    pool = new pg.Pool({ connectionString: tdb.url, max: 2 });
    all = await readMigrations(MESSAGING_MIGRATIONS_DIR, join(__dirname, '..', '..', 'migrations'));
    await migrate(
      pool,
      all.filter((m) => m.name < LINES_MIGRATION),
    );
    await pool.query(
      "INSERT INTO customers (id, email, name, password_hash) VALUES ($1, 'old@example.com', 'Old', 'x')",
      [customer],
    );
    await pool.query(
      `INSERT INTO model_files (id, customer_id, filename, unit, size_bytes, status, bucket, key)
       VALUES ($1, $2, 'bracket.stl', 'mm', 684, 'PENDING_UPLOAD', 'models', $3)`,
      [fileId, customer, `models/${customer}/${fileId}`],
    );
    await legacyQuote(quotes.inProduction, new Date(Date.now() + 7 * DAY));
    await legacyQuote(quotes.cancelled, new Date(Date.now() + 7 * DAY));
    await legacyQuote(quotes.lapsed, new Date(Date.now() - DAY));
    await legacyOrder(ids.inProduction, {
      quoteId: quotes.inProduction,
      status: 'IN_PRODUCTION',
      quantity: 2,
      unit: 1250,
    });
    await legacyOrder(ids.cancelled, {
      quoteId: quotes.cancelled,
      status: 'CANCELLED',
      quantity: 2,
      unit: 1250,
    });
    await legacyOrder(ids.lapsed, {
      quoteId: quotes.lapsed,
      status: 'CANCELLED',
      quantity: 2,
      unit: 1250,
    });
    await legacyOrder(ids.catalogue, {
      quoteId: null,
      sku: 'PLA-BRACKET-01',
      status: 'SHIPPED',
      quantity: 4,
      unit: 1250,
    });
    assert.deepEqual(
      await migrate(pool, all),
      all.filter((m) => m.name >= LINES_MIGRATION).map((m) => m.name),
    );
  });

  after(async () => {
    await pool?.end();
    await tdb?.drop();
  });

  it('makes each former order one line with the order’s own id, its item and its status', async () => {
    const { rows } = await pool.query(
      `SELECT id, order_id, line_no, quote_id, sku, name, material, quantity, unit_price_cents,
              total_cents, status, line_version, cancellation_outcome
         FROM order_lines ORDER BY order_id`,
    );
    const line = (
      id: string,
      quoteId: string | null,
      sku: string | null,
      status: string,
      quantity = 2,
    ) => ({
      id,
      order_id: id,
      line_no: 1,
      quote_id: quoteId,
      sku,
      name: 'bracket.stl',
      material: 'pla-black',
      quantity,
      unit_price_cents: 1250,
      total_cents: 1250 * quantity,
      status,
      line_version: 0,
      cancellation_outcome: null,
    });
    assert.deepEqual(
      rows,
      [
        line(ids.inProduction, quotes.inProduction, null, 'IN_PRODUCTION'),
        line(ids.cancelled, quotes.cancelled, null, 'CANCELLED'),
        line(ids.lapsed, quotes.lapsed, null, 'CANCELLED'),
        line(ids.catalogue, null, 'PLA-BRACKET-01', 'SHIPPED', 4),
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('keeps the totals (no surcharge) and starts the production version at 0', async () => {
    const { rows } = await pool.query(
      `SELECT id, subtotal_cents, minimum_order_surcharge_cents, total_cents, production_version,
              work_order_version
         FROM orders WHERE id = $1`,
      [ids.catalogue],
    );
    assert.deepEqual(rows, [
      {
        id: ids.catalogue,
        subtotal_cents: 5000,
        minimum_order_surcharge_cents: 0,
        total_cents: 5000,
        production_version: 0,
        work_order_version: 3,
      },
    ]);
  });

  it('releases the quotes of cancelled orders (READY while valid, else EXPIRED) and marks priced quotes ENGINE', async () => {
    const { rows } = await pool.query<{ id: string; status: string; price_source: string }>(
      'SELECT id, status, price_source FROM quotes',
    );
    const byId = new Map(rows.map((r) => [r.id, [r.status, r.price_source]]));
    assert.deepEqual(
      [byId.get(quotes.inProduction), byId.get(quotes.cancelled), byId.get(quotes.lapsed)],
      [
        ['ACCEPTED', 'ENGINE'],
        ['READY', 'ENGINE'],
        ['EXPIRED', 'ENGINE'],
      ],
    );
  });
});
