// Proves the import rules of .dependency-cruiser.cjs (run by `npm run check`) fire: each case
// writes a small tree of TypeScript files with one violation into a temporary directory and
// cruises it with the repository's own configuration; the repository itself has none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');
const temporary = [];

/** Cruises `cwd` as `npm run deps:check` does: the names of the rules broken. */
function violations(cwd) {
  const dirs = ['apps', 'libs', 'tools', 'bench'].filter((d) => existsSync(join(cwd, d)));
  const cruise = (...args) =>
    spawnSync(depcruise, ['--config', config, ...args, ...dirs], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  const json = cruise('--output-type', 'json');
  assert.ok(json.stdout, `depcruise printed nothing: ${json.stderr}`);
  const names = JSON.parse(json.stdout).summary.violations.map((v) => v.rule.name);
  // What fails `npm run check`: the exit status of the plain run, non-zero exactly on a violation.
  const plain = cruise();
  assert.equal(plain.status !== 0, names.length > 0, plain.stdout + plain.stderr);
  return [...new Set(names)].sort();
}

/** A temporary tree: path → source (each file exports one constant, plus its imports). */
function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'fabflow-deps-'));
  temporary.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    const lines = imports.map((from, i) => `import { x as x${i} } from '${from}';`);
    writeFileSync(join(dir, path), `${lines.join('\n')}\nexport const x = 1;\n`);
  }
  return dir;
}

/** The shop's floors as they are, without a violation. */
const SHOP = {
  'apps/shop-api/src/shop.database.ts': [],
  'apps/shop-api/src/shop.config.ts': ['./notifications/webhooks/webhooks.config'],
  'apps/shop-api/src/notifications/webhooks/webhooks.config.ts': [],
  'apps/shop-api/src/notifications/notifications.ts': ['../shop.database'],
  'apps/shop-api/src/orders/orders.service.ts': ['../notifications/notifications'],
  'apps/shop-api/src/quotes/quotes.service.ts': ['../notifications/notifications'],
  'apps/shop-api/src/b2b/b2b.module.ts': ['../orders/orders.service', '../quotes/quotes.service'],
  'apps/shop-api/src/app.module.ts': ['./b2b/b2b.module'],
};

describe('import rules (dependency-cruiser)', () => {
  after(() => {
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  it('pass the repository itself and a tree that keeps them', () => {
    assert.deepEqual(violations(root), []);
    assert.deepEqual(violations(tree(SHOP)), []);
  });

  it('fail on an import cycle, even of two files in one folder of a library', () => {
    const dir = tree({ 'libs/x/src/a.ts': ['./b'], 'libs/x/src/b.ts': ['./a'] });
    assert.deepEqual(violations(dir), ['no-circular']);
  });

  it("fail on an upward import in any app: two folders importing each other's files", () => {
    const dir = tree({
      'apps/any/src/top/top.ts': ['../base/base'],
      'apps/any/src/top/top-types.ts': [],
      'apps/any/src/base/base.ts': [],
      'apps/any/src/base/other.ts': ['../top/top-types'],
    });
    assert.deepEqual(violations(dir), ['no-circular-folders']);
  });

  it('fail when a shop module beneath the B2B API, or shop.config.ts, imports b2b/', () => {
    const b2bConfig = { 'apps/shop-api/src/b2b/b2b.config.ts': [] };
    const customers = tree({
      ...SHOP,
      ...b2bConfig,
      'apps/shop-api/src/customers/customer.ts': ['../b2b/b2b.config'],
    });
    assert.deepEqual(violations(customers), ['shop-b2b-is-the-top']);
    const config = tree({
      ...SHOP,
      ...b2bConfig,
      'apps/shop-api/src/shop.config.ts': ['./b2b/b2b.config'],
    });
    assert.deepEqual(violations(config), ['shop-b2b-is-the-top']);
    // b2b/ imports quotes/, so quotes/ importing b2b/ is a folder cycle as well.
    const quotes = tree({
      ...SHOP,
      ...b2bConfig,
      'apps/shop-api/src/quotes/quote.ts': ['../b2b/b2b.config'],
    });
    assert.deepEqual(violations(quotes), ['no-circular-folders', 'shop-b2b-is-the-top']);
  });

  it('fail when notifications import the modules they notify about', () => {
    const dir = tree({
      ...SHOP,
      'apps/shop-api/src/orders/order.facts.ts': [],
      'apps/shop-api/src/notifications/order-facts.ts': ['../orders/order.facts'],
    });
    assert.deepEqual(violations(dir), ['no-circular-folders', 'shop-notifications-beneath']);
  });

  it("fail when a feature module imports its app's module or entry points", () => {
    const dir = tree({ ...SHOP, 'apps/shop-api/src/customers/x.ts': ['../app.module'] });
    assert.deepEqual(violations(dir), ['no-import-of-entry-points']);
  });
});
