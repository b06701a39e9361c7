// Proves the Nx module-boundary rule is enforced (not skipped): linting real files with one
// forbidden import added in memory must fail with @nx/enforce-module-boundaries.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function boundaryErrors(file, extraImport) {
  const eslint = new ESLint({ cwd: root });
  const source = `${extraImport}\n${readFileSync(join(root, file), 'utf8')}`;
  const [result] = await eslint.lintText(source, { filePath: join(root, file) });
  return result.messages
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
}

describe('Nx module boundaries', () => {
  before(() => {
    // The rule reads the cached project graph; `npm run lint` computes it the same way.
    execFileSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: root,
      stdio: 'ignore',
    });
  });

  it('forbid a shop app from importing a pricing-scoped library', async () => {
    const errors = await boundaryErrors(
      'apps/shop-api/src/main.ts',
      "import '@fabflow/pricing-engine';",
    );
    assert.equal(errors.length, 1, 'exactly one boundary error');
    assert.equal(
      errors[0],
      'A project tagged with "scope:shop" can only depend on libs tagged with "scope:shop", "scope:shared"',
    );
  });

  it('forbid a util library from importing a data-access library', async () => {
    const errors = await boundaryErrors('libs/config/src/index.ts', "import '@fabflow/db';");
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0],
      'A project tagged with "type:util" can only depend on libs tagged with "type:util"',
    );
  });

  it('keep test helpers out of production code, while tests may use them', async () => {
    const prod = await boundaryErrors('libs/messaging/src/index.ts', "import '@fabflow/testing';");
    assert.deepEqual(prod, [
      'A project tagged with "type:data-access" can only depend on libs tagged with "type:data-access", "type:util"',
    ]);
    assert.deepEqual(
      await boundaryErrors(
        'libs/messaging/src/messaging.int-spec.ts',
        "import '@fabflow/testing';",
      ),
      [],
    );
  });

  it('open the pricing-jobs table library to exactly the MES and the pricing worker', async () => {
    const importIt = "import '@fabflow/pricing-jobs';";
    assert.deepEqual(await boundaryErrors('apps/mes-api/src/main.ts', importIt), []);
    assert.deepEqual(await boundaryErrors('apps/pricing-worker/src/main.ts', importIt), []);
    for (const [file, scope] of [
      ['apps/shop-api/src/main.ts', 'shop'],
      ['apps/crm-api/src/main.ts', 'crm'],
    ])
      assert.deepEqual(
        await boundaryErrors(file, importIt),
        [
          `A project tagged with "scope:${scope}" can only depend on libs tagged with "scope:${scope}", "scope:shared"`,
        ],
        `${scope} may not import it`,
      );
    assert.deepEqual(await boundaryErrors('libs/messaging/src/index.ts', importIt), [
      'A project tagged with "scope:shared" can only depend on libs tagged with "scope:shared"',
    ]);
  });

  it('allow what the matrix allows (an app importing shared libraries)', async () => {
    assert.deepEqual(
      await boundaryErrors('apps/mes-api/src/main.ts', "import '@fabflow/contracts';"),
      [],
    );
  });
});
