// The compiled libraries (node tools/build.mjs writes dist/ and its @fabflow shims).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function lib(name) {
  try {
    return require(join(ROOT, 'dist/node_modules/@fabflow', name));
  } catch (err) {
    console.error(`Cannot load @fabflow/${name} from dist/: run \`node tools/build.mjs\` first.`);
    throw err;
  }
}

export const { createDatabase, migrate, readMigrations, uuidv7 } = lib('db');
export const { EVENT_CATALOGUE, OrderPlaced } = lib('contracts');
export const { createLogger } = lib('observability');
export const {
  ConfirmPublisher,
  MessagingRuntime,
  MESSAGING_MIGRATIONS_DIR,
  OutboxRelay,
  declareSubscription,
  envelopeHeaders,
  publishOptions,
} = lib('messaging');
export const { createTestDatabase, createTestVhost } = lib('testing');
