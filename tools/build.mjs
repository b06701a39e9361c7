// `npm run build`: `tsc -b` builds the TypeScript solution (tsconfig.json: every app and library
// as a composite project compiling its src/ into its own dist/, in reference order, skipping the
// projects whose inputs did not change), then Vite bundles the operator dashboard when anything
// it is built from changed. `node tools/build.mjs apps/shop-api …` builds only those projects
// (and what they reference). Node resolves `@fabflow/*` at run time through the npm workspace
// links in node_modules/@fabflow (each library's package.json points at its dist/index.js).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const projects = process.argv.slice(2);

function run(what, args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${what} failed`);
    process.exit(r.status ?? 1);
  }
}

pruneOrphans();
run('tsc -b', [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...projects]);

// The dashboard bundle (apps/mes-dashboard/dist/bundle, served by mes-api at /dashboard/):
// skipped when nothing it is built from changed since the last bundle.
const DASHBOARD = 'apps/mes-dashboard';
if (projects.length === 0 || projects.some((p) => relative(DASHBOARD, p) === '')) bundleDashboard();
console.log(`build: ${projects.length > 0 ? projects.join(', ') : 'all projects'} ready`);

/**
 * `tsc -b` never deletes what it compiled from a source file that is gone (renamed, moved,
 * deleted): such a file would still run (a spec of deleted code, a stale migration lookup).
 * Compiled files of src/ sources that no longer exist are removed first.
 */
function pruneOrphans() {
  const COMPILED = /(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;
  for (const group of ['apps', 'libs'])
    for (const project of readdirSync(join(root, group))) {
      const dist = join(root, group, project, 'dist');
      const src = join(root, group, project, 'src');
      if (!existsSync(dist) || !existsSync(src) || project === 'mes-dashboard') continue;
      const walk = (dir) => {
        for (const e of readdirSync(dir)) {
          const p = join(dir, e);
          if (statSync(p).isDirectory()) walk(p);
          else if (COMPILED.test(e)) {
            const base = join(src, relative(dist, p)).replace(COMPILED, '');
            if (!existsSync(`${base}.ts`) && !existsSync(`${base}.tsx`)) rmSync(p);
          }
        }
      };
      walk(dist);
    }
}

function treeHash(paths) {
  const hash = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort())
        if (e !== 'node_modules' && e !== 'dist') walk(join(p, e));
    } else hash.update(relative(root, p)).update(readFileSync(p));
  };
  for (const p of paths) walk(join(root, p));
  return hash.digest('hex');
}

function bundleDashboard() {
  const out = join(root, DASHBOARD, 'dist', 'bundle');
  const stampFile = join(root, DASHBOARD, 'dist', 'bundle.stamp');
  const stamp = treeHash([
    DASHBOARD,
    'libs/contracts/src',
    'tsconfig.base.json',
    'package-lock.json',
  ]);
  const fresh =
    existsSync(join(out, 'index.html')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp;
  if (fresh) return;
  run('dashboard bundle', [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    `${DASHBOARD}/vite.config.mts`,
  ]);
  writeFileSync(stampFile, stamp);
}
