// The compiled libraries and MES modules (node tools/build.mjs writes each project's dist/).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function load(path, what) {
  try {
    return require(path.startsWith('@') ? path : join(ROOT, path));
  } catch (err) {
    console.error(`Cannot load ${what}: run \`node tools/build.mjs\` first.`);
    throw err;
  }
}
const lib = (name) => load(`@fabflow/${name}`, `@fabflow/${name}`);

export const { createDatabase, migrate, readMigrations } = lib('db');
export const { encodeWorkQueueCursor, OPEN_WORK_ORDER_STATUSES } = lib('contracts');
export const { MESSAGING_MIGRATIONS_DIR } = lib('messaging');
export const {
  createTestVhost,
  freePort,
  ServiceProcess,
  SseRecorder,
  testDatabaseUrl,
  TestTokenIssuer,
  testEnv,
  uniqueName,
  dropDatabase,
} = lib('testing');
export const { seedWorkOrders, SEED_OPERATORS } = load(
  'apps/mes-api/dist/seed/work-order-seed.js',
  'the MES seed',
);
export const { WorkQueueRepository } = load(
  'apps/mes-api/dist/work-orders/work-queue.repository.js',
  'the work-queue repository',
);
export const { WorkQueueKeys } = load(
  'apps/mes-api/dist/work-orders/work-queue.keys.js',
  'the work-queue keys',
);
export const MES_MIGRATIONS_DIR = join(ROOT, 'apps/mes-api/migrations');
