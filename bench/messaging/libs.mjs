// The compiled libraries (node tools/build.mjs writes their dist/; the npm workspace links in
// node_modules/@fabflow resolve them).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function lib(name) {
  try {
    return require(`@fabflow/${name}`);
  } catch (err) {
    console.error(`Cannot load @fabflow/${name}: run \`node tools/build.mjs\` first.`);
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
