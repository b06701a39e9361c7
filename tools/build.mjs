// Compiles the whole workspace with tsc (decorator metadata included) into dist/, copies the
// SQL migrations beside the compiled code, and makes `@fabflow/*` imports resolvable at run
// time through dist/node_modules shims generated from tsconfig.base.json paths.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

for (const group of ['apps', 'libs']) {
  for (const project of readdirSync(join(root, group))) {
    const migrations = join(root, group, project, 'migrations');
    if (existsSync(migrations))
      cpSync(migrations, join(dist, group, project, 'migrations'), { recursive: true });
  }
}

const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  const shimDir = join(dist, 'node_modules', alias);
  const compiled = join(dist, target.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) continue;
  mkdirSync(shimDir, { recursive: true });
  writeFileSync(
    join(shimDir, 'index.js'),
    `module.exports = require(${JSON.stringify(relative(shimDir, compiled))});\n`,
  );
}
// The operator dashboard (apps/mes-dashboard, excluded from the tsc run above: DOM and JSX):
// type-checked and compiled by tsc for its unit tests (dist/apps/mes-dashboard-spec), bundled
// by Vite into dist/apps/mes-dashboard, which mes-api serves at /dashboard/. Skipped when
// nothing it is built from changed since the last build.
function treeHash(paths) {
  const hash = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== 'node_modules') walk(join(p, e));
    } else hash.update(relative(root, p)).update(readFileSync(p));
  };
  for (const p of paths) walk(join(root, p));
  return hash.digest('hex');
}
const dashboardOut = join(dist, 'apps', 'mes-dashboard');
const stampFile = join(dist, 'apps', 'mes-dashboard.build-stamp');
const stamp = treeHash([
  'apps/mes-dashboard',
  'libs/contracts/src',
  'tsconfig.base.json',
  'package-lock.json',
]);
if (
  !existsSync(join(dashboardOut, 'index.html')) ||
  !existsSync(stampFile) ||
  readFileSync(stampFile, 'utf8') !== stamp
) {
  const run = (what, args) => {
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`build: ${what} failed`);
      process.exit(r.status ?? 1);
    }
  };
  run('dashboard type-check', [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'apps/mes-dashboard/tsconfig.json',
    '--noEmit',
    'false',
    '--outDir',
    'dist/apps/mes-dashboard-spec',
  ]);
  run('dashboard bundle', [
    join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'apps/mes-dashboard/vite.config.mts',
  ]);
  writeFileSync(stampFile, stamp);
}
console.log('build: dist/ ready');
