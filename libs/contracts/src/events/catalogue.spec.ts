import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EVENT_CATALOGUE, findEventDefinition } from './catalogue';

describe('event catalogue', () => {
  it('has unique, well-formed CloudEvents types', () => {
    const types = EVENT_CATALOGUE.map((e) => e.type);
    assert.equal(new Set(types).size, types.length);
    for (const e of EVENT_CATALOGUE) {
      assert.match(e.type, /^fabflow\.(shop|crm|mes)\.[a-z_]+\.[a-z_]+\.v\d+$/);
      assert.equal(e.exchange, `${e.publisher}.events`);
      assert.equal(findEventDefinition(e.type), e);
    }
  });

  it('is documented event by event in docs/architecture.md', () => {
    // libs/contracts/dist/events → repository root
    const doc = readFileSync(
      join(__dirname, '..', '..', '..', '..', 'docs', 'architecture.md'),
      'utf8',
    );
    for (const e of EVENT_CATALOGUE)
      assert.ok(doc.includes(`\`${e.type}\``), `${e.type} is in the catalogue table`);
  });
});
