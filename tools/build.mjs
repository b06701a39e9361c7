// Compiles the whole workspace with tsc (decorator metadata included) into dist/, copies the
// SQL migrations beside the compiled code, and makes `@fabflow/*` imports resolvable at run
// time through dist/node_modules shims generated from tsconfig.base.json paths.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
console.log('build: dist/ ready');
