// package.json against the code: every dependency declared is used, what the services run is
// a production dependency (the image runs after `npm prune --omit=dev`), and the lockfile holds
// one version of each OpenTelemetry package (the SDK pins its parts exactly: mixed versions
// install second copies of core, resources and sdk-trace-base).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

/** Declared for their command line or their types, not imported. */
const TOOLS = new Set([
  'node',
  'nx',
  'prettier',
  'typescript',
  '@redocly/cli',
  'dependency-cruiser',
]);
const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const TEST = /\.(spec|int-spec|e2e-spec|chaos-spec|test)\.(ts|tsx|mjs)$/;

function files(dir) {
  return readdirSync(dir).flatMap((e) => {
    if (e === 'node_modules' || e === 'dist' || e === 'results') return [];
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : SOURCE.test(e) ? [p] : [];
  });
}

/** The packages a file imports (`pg`, `@nestjs/core`), Node's own and workspace ones left out. */
function imports(file) {
  const text = readFileSync(file, 'utf8');
  const names = new Set();
  for (const [, spec] of text.matchAll(
    /(?:from\s+|import\s+|import\(\s*|require\(\s*)['"]([^'"./$][^'"]*)['"]/g,
  )) {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (
      !name.startsWith('node:') &&
      !builtinModules.includes(name) &&
      !name.startsWith('@fabflow/')
    )
      names.add(name);
  }
  return names;
}

const everyFile = [
  ...['apps', 'libs', 'bench', 'tools'].flatMap((d) => files(join(root, d))),
  ...readdirSync(root)
    .filter((f) => SOURCE.test(f))
    .map((f) => join(root, f)),
];

describe('dependencies', () => {
  it('declares only what is imported (or run as a tool, or types of what is imported)', () => {
    const used = new Set(everyFile.flatMap((f) => [...imports(f)]));
    const unused = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => {
      if (used.has(d) || TOOLS.has(d)) return false;
      const typed = d.match(/^@types\/(.+)$/)?.[1];
      return !(typed && (typed === 'node' || used.has(typed.replace(/^(.+)__(.+)$/, '@$1/$2'))));
    });
    assert.deepEqual(unused, []);
  });

  it('imports nothing undeclared', () => {
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }));
    const undeclared = everyFile.flatMap((f) =>
      [...imports(f)].filter((n) => !declared.has(n)).map((n) => `${relative(root, f)}: ${n}`),
    );
    assert.deepEqual(undeclared, []);
  });

  it('runs the services on production dependencies only', () => {
    // What the images run: apps and libraries, not their tests, test helpers or the page (bundled).
    const runtime = everyFile.filter((f) => {
      const rel = relative(root, f);
      return (
        /^(apps|libs)\/[^/]+\/src\//.test(rel) &&
        !/^(apps\/(e2e|mes-dashboard)|libs\/testing)\//.test(rel) &&
        !TEST.test(rel) &&
        !rel.endsWith('/testing.ts') &&
        !rel.includes('/src/testing/')
      );
    });
    const dev = runtime.flatMap((f) =>
      [...imports(f)]
        .filter((n) => !(n in pkg.dependencies))
        .map((n) => `${relative(root, f)}: ${n}`),
    );
    assert.deepEqual(dev, []);
  });

  it('locks one version of each OpenTelemetry package', () => {
    const versions = new Map();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const name = path.match(/node_modules\/(@opentelemetry\/[^/]+)$/)?.[1];
      if (name) versions.set(name, new Set([...(versions.get(name) ?? []), entry.version]));
    }
    assert.ok(versions.size > 0, 'OpenTelemetry is in the lockfile');
    const mixed = [...versions].filter(([, v]) => v.size > 1).map(([n, v]) => `${n}: ${[...v]}`);
    assert.deepEqual(mixed, []);
  });
});
