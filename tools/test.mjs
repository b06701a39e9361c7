// `npm test`: builds, then runs the unit, integration, end-to-end and fault (chaos) tiers with Node's test
// runner against the real servers, and prints one closing line for all of them.
// `node tools/test.mjs unit|int|e2e|chaos` runs one tier; project folders after it (for example
// `node tools/test.mjs unit int apps/shop-api`) build and test only those projects.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unreachableServers } from './servers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Each project compiles into its own dist/ (tools/build.mjs); a tier's files are looked for in
// every project's dist/, or only in those of the projects named on the command line.
const TIERS = {
  unit: { files: ['dist/**/*.spec.js'], concurrency: 2 },
  int: { files: ['dist/**/*.int-spec.js'], extra: ['tools/**/*.test.mjs'], concurrency: 2 },
  e2e: { files: ['dist/**/*.e2e-spec.js'], concurrency: 1 },
  // Fault tests: a 3-node RabbitMQ cluster, a private Postgres, services killed and restarted.
  chaos: { files: ['dist/**/*.chaos-spec.js'], concurrency: 1 },
};
const args = process.argv.slice(2);
const projects = args.filter((a) => !(a in TIERS)).map((p) => p.replace(/\/+$/, ''));
for (const p of projects) {
  if (!existsSync(join(root, p, 'tsconfig.json'))) {
    console.error(
      `"${p}" is neither a tier (${Object.keys(TIERS).join(', ')}) nor a project folder`,
    );
    process.exit(2);
  }
}
const tiers = args.filter((a) => a in TIERS);
const wanted = tiers.length > 0 ? tiers : Object.keys(TIERS);
const testFiles = (spec) =>
  projects.length === 0
    ? [...spec.files.map((f) => `{apps,libs}/*/${f}`), ...(spec.extra ?? [])]
    : projects.flatMap((p) => spec.files.map((f) => `${p}/${f}`));

const down = await unreachableServers();
if (down.length > 0 && wanted.some((t) => t !== 'unit')) {
  for (const s of down)
    console.error(
      `✗ ${s.name} is not reachable at ${s.host}:${s.port}. Start it with:\n    ${s.start}`,
    );
  process.exit(1);
}

const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs'), ...projects], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
mkdirSync(join(root, 'test-results'), { recursive: true });

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0 };
let failedTier = false;
for (const tier of wanted) {
  const spec = TIERS[tier];
  console.log(`\n=== ${tier} tests ===`);
  const args = [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${spec.concurrency}`,
    '--test-reporter=spec',
    ...testFiles(spec),
  ];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'test' },
    });
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      for (const [, key, n] of chunk.toString().matchAll(/^ℹ (pass|fail|skipped|todo) (\d+)$/gm))
        totals[key] += Number(n);
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) failedTier = true;
}
console.log(`\nall tiers: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(failedTier || totals.fail > 0 ? 1 : 0);
