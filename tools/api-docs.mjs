// `npm run api:docs`: writes the API documents under docs/api from the built code, without any
// server: the OpenAPI document of each service (the Nest app scanned in preview mode, exactly
// as it serves /docs/json), the AsyncAPI document of the event bus (the contracts' catalogue
// and each service's subscriptions) and that of the B2B webhooks. tools/api-docs.test.mjs
// regenerates them and fails when a committed file differs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_DOCS_DIR = join(root, 'docs', 'api');
const SERVICES = ['shop', 'crm', 'mes'];

/** A compiled module of a project (tools/build.mjs compiles each into its own dist/). */
const compiled = (project, path) =>
  createRequire(import.meta.url)(join(root, project, 'dist', path));

/** Every document of docs/api by file name, as the code generates it now (the build must be fresh). */
export async function generateApiDocuments() {
  const documents = new Map();
  const subscriptions = [];
  for (const service of SERVICES) {
    const docs = await compiled(`apps/${service}-api`, 'api-docs.js').apiDocuments();
    documents.set(`${service}.openapi.json`, docs.openapi);
    for (const [name, doc] of Object.entries(docs.asyncapi ?? {}))
      documents.set(`${service}.${name}.asyncapi.json`, doc);
    subscriptions.push(...docs.subscriptions);
  }
  const { EVENT_CATALOGUE } = compiled('libs/contracts', 'index.js');
  const { eventBusAsyncApi } = compiled('libs/messaging', 'index.js');
  documents.set('events.asyncapi.json', eventBusAsyncApi(EVENT_CATALOGUE, subscriptions));
  return new Map([...documents].map(([file, doc]) => [file, `${JSON.stringify(doc, null, 2)}\n`]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const documents = await generateApiDocuments();
  mkdirSync(API_DOCS_DIR, { recursive: true });
  for (const file of readdirSync(API_DOCS_DIR))
    if (file.endsWith('.json') && !documents.has(file)) rmSync(join(API_DOCS_DIR, file));
  for (const [file, text] of documents) writeFileSync(join(API_DOCS_DIR, file), text);
  console.log(`api-docs: wrote ${[...documents.keys()].map((f) => `docs/api/${f}`).join(', ')}`);
}
