// The API documents in docs/api: the committed files are what the code generates (a drift check
// that needs no server), the OpenAPI documents pass @apidevtools/swagger-parser and
// `@redocly/cli lint` (recommended rules, 0 errors, only the warnings docs/api/README.md lists
// and justifies), every example in them matches its schema, and the AsyncAPI documents pass
// @asyncapi/parser (v3). The build must be fresh (`npm test` builds first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser as AsyncApiParser } from '@asyncapi/parser';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { API_DOCS_DIR, generateApiDocuments } from './api-docs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const committed = () =>
  readdirSync(API_DOCS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
const read = (file) => readFileSync(join(API_DOCS_DIR, file), 'utf8');
const openApiFiles = () => committed().filter((f) => f.endsWith('.openapi.json'));
const asyncApiFiles = () => committed().filter((f) => f.endsWith('.asyncapi.json'));

/** The first line where two texts differ, for a message a person can act on. */
function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `line ${at + 1}: committed ${JSON.stringify(b[at] ?? '<end>')}, generated ${JSON.stringify(a[at] ?? '<end>')}`;
}

/** Every `example` (and `examples[].value`) of a dereferenced OpenAPI document with its schema. */
function examplesOf(node, pointer = '#', found = []) {
  if (Array.isArray(node)) node.forEach((v, i) => examplesOf(v, `${pointer}/${i}`, found));
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return found;
  const SCHEMA_KEYS = ['type', 'properties', 'items', 'allOf', 'anyOf', 'oneOf', 'enum', 'format'];
  if (typeof node.schema === 'object') {
    if ('example' in node)
      found.push({ at: `${pointer}/example`, schema: node.schema, value: node.example });
    for (const [name, ex] of Object.entries(node.examples ?? {}))
      found.push({ at: `${pointer}/examples/${name}`, schema: node.schema, value: ex.value });
  } else if ('example' in node && SCHEMA_KEYS.some((k) => k in node)) {
    const { example, ...schema } = node;
    found.push({ at: `${pointer}/example`, schema, value: example });
  }
  for (const [key, value] of Object.entries(node))
    if (key !== 'example' && key !== 'examples')
      examplesOf(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, found);
  return found;
}

/** An OpenAPI 3.0 schema validator: JSON Schema draft 4 semantics plus nullable and formats. */
function openApiSchemaValidator() {
  const ajv = new Ajv04({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'])
    ajv.addFormat(format, true);
  ajv.addVocabulary(['example', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly']);
  return ajv;
}

/** The README's table of accepted lint warnings: `| file | rule | JSON pointer | why |`. */
function acceptedWarnings() {
  const readme = readFileSync(join(API_DOCS_DIR, 'README.md'), 'utf8');
  const section = readme.split('## Accepted lint warnings')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^\| `[^`]+\.json` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim().replace(/^`|`$/g, '')))
    .map(([, file, rule, pointer]) => `${file} ${rule} ${pointer}`)
    .sort();
}

describe('API documents in docs/api', () => {
  it('are what the code generates (the files are committed: run `npm run api:docs` after an API change)', async () => {
    const generated = await generateApiDocuments();
    assert.deepEqual(
      committed(),
      [...generated.keys()].sort(),
      'docs/api holds other documents than the code generates: run `npm run api:docs` and commit docs/api',
    );
    for (const [file, text] of generated) {
      const current = read(file);
      assert.ok(
        current === text,
        `docs/api/${file} is out of date (${firstDifference(text, current)}): run \`npm run api:docs\` and commit docs/api`,
      );
    }
  });

  it('OpenAPI documents pass @apidevtools/swagger-parser validation', async () => {
    assert.equal(openApiFiles().length, 3);
    for (const file of openApiFiles())
      await assert.doesNotReject(
        () => SwaggerParser.validate(JSON.parse(read(file))),
        `docs/api/${file} is not a valid OpenAPI document`,
      );
  });

  it('OpenAPI documents pass `redocly lint` (recommended rules): no error, only the warnings the README accepts', () => {
    const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
    // One run per file: with several, the CLI prints one JSON report after another.
    const problems = openApiFiles().flatMap((file) => {
      const run = spawnSync(
        process.execPath,
        [cli, 'lint', '--format=json', join('docs/api', file)],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
      assert.ok(run.stdout.includes('"totals"'), `redocly lint ${file} failed:\n${run.stderr}`);
      return JSON.parse(run.stdout).problems;
    });
    const describe = (p) =>
      `${p.location[0].source.ref.replace('docs/api/', '')} ${p.ruleId} ${p.location[0].pointer}`;
    const errors = problems.filter((p) => p.severity === 'error');
    assert.deepEqual(
      errors.map((p) => `${describe(p)}: ${p.message}`),
      [],
      'redocly lint errors',
    );
    const warnings = problems.filter((p) => p.severity === 'warn');
    for (const w of warnings) console.log(`redocly warning: ${describe(w)}: ${w.message}`);
    assert.deepEqual(
      [...new Set(warnings.map(describe))].sort(),
      acceptedWarnings(),
      'redocly warnings differ from those docs/api/README.md lists and justifies: fix them, or list them there with the reason',
    );
  });

  it('every example in the OpenAPI documents matches its own schema', async () => {
    const ajv = openApiSchemaValidator();
    let checked = 0;
    const wrong = [];
    for (const file of openApiFiles()) {
      const doc = await SwaggerParser.dereference(JSON.parse(read(file)));
      for (const { at, schema, value } of examplesOf(doc)) {
        checked++;
        const validate = ajv.compile(schema);
        if (!validate(value))
          wrong.push(`${file} ${at}: ${ajv.errorsText(validate.errors, { dataVar: 'example' })}`);
      }
    }
    assert.deepEqual(wrong, [], 'examples that their schemas refuse');
    assert.ok(checked >= 15, `only ${checked} examples found: is the walk still finding them?`);
  });

  it('AsyncAPI documents pass @asyncapi/parser (AsyncAPI 3) validation', async () => {
    assert.deepEqual(asyncApiFiles(), ['events.asyncapi.json', 'shop.webhooks.asyncapi.json']);
    const parser = new AsyncApiParser();
    for (const file of asyncApiFiles()) {
      const { document, diagnostics } = await parser.parse(read(file));
      const show = (d) => `${file} ${d.path.join('/')}: ${d.message} (${d.code})`;
      for (const d of diagnostics.filter((x) => x.severity === 1))
        console.log(`asyncapi warning: ${show(d)}`);
      assert.deepEqual(
        diagnostics.filter((d) => d.severity === 0).map(show),
        [],
        `docs/api/${file} is not a valid AsyncAPI document`,
      );
      assert.equal(document?.version(), '3.0.0');
    }
  });
});
