// The build graph against the code: each project's tsconfig.json references exactly the
// libraries its sources import (a missing reference builds in the wrong order, or not at all
// from a clean tree), the solution lists every project, and each project is an npm workspace
// named after its folder whose package.json points Node at its compiled entry.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** References that no import explains, each with the reason it exists. */
const BUILD_ORDER_ONLY = {
  // pricing-fixtures.ts loads the engine's compiled testing.js (scope:pricing, not importable).
  'libs/testing': ['libs/pricing-engine'],
  // The e2e tests run the services as processes.
  'apps/e2e': ['apps/crm-api', 'apps/mes-api', 'apps/pricing-worker', 'apps/shop-api'],
};

const projects = ['apps', 'libs'].flatMap((g) =>
  readdirSync(join(root, g)).map((p) => `${g}/${p}`),
);
/** tsconfig files are JSON with comments. */
const readJsonc = (file) =>
  JSON.parse(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('//'))
      .join('\n'),
  );

function sources(dir) {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(e) ? [p] : [];
  });
}

function importedLibraries(project) {
  const self = project.split('/')[1];
  const libs = new Set();
  for (const file of sources(join(root, project, 'src')))
    for (const [, name] of readFileSync(file, 'utf8').matchAll(
      /(?:from\s+|import\s+|import\(\s*|require\(\s*)'@fabflow\/([a-z0-9-]+)'/g,
    ))
      if (name !== self) libs.add(`libs/${name}`);
  return [...libs].sort();
}

/** A project's references as project folders; the dashboard is a solution of two configs. */
function references(project) {
  const configs = [join(root, project, 'tsconfig.json')];
  const refs = new Set();
  while (configs.length > 0) {
    const file = configs.pop();
    for (const { path } of readJsonc(file).references ?? []) {
      const target = resolve(dirname(file), path);
      if (target.endsWith('.json')) configs.push(target);
      else refs.add(relative(root, target));
    }
  }
  return [...refs].sort();
}

describe('project references', () => {
  for (const project of projects) {
    it(`${project} references what it imports`, () => {
      const extra = BUILD_ORDER_ONLY[project] ?? [];
      assert.deepEqual(
        references(project),
        [...importedLibraries(project), ...extra].sort(),
        `tsconfig.json references of ${project}`,
      );
    });
  }

  it('the solution (tsconfig.json) builds every project', () => {
    const listed = readJsonc(join(root, 'tsconfig.json')).references.map((r) => r.path);
    assert.deepEqual([...listed].sort(), [...projects].sort());
  });

  it('every project is a workspace named @fabflow/<folder>, libraries exporting their dist/', () => {
    for (const project of projects) {
      const pkg = JSON.parse(readFileSync(join(root, project, 'package.json'), 'utf8'));
      assert.equal(pkg.name, `@fabflow/${project.split('/')[1]}`, project);
      assert.equal(pkg.private, true, project);
      if (project.startsWith('libs/')) {
        assert.equal(pkg.main, 'dist/index.js', project);
        assert.equal(pkg.types, 'dist/index.d.ts', project);
        assert.ok(existsSync(join(root, project, 'src', 'index.ts')), `${project}/src/index.ts`);
      }
    }
  });
});
