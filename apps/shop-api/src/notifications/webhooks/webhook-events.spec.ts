import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { uuidv7 } from '@fabflow/db';
import { webhookEventId } from './webhook-events';

describe('webhookEventId', () => {
  it('is the same UUID for the same source event and type, and another for another', () => {
    const source = uuidv7();
    const id = webhookEventId(source, 'quote.completed');
    assert.equal(webhookEventId(source, 'quote.completed'), id);
    assert.notEqual(webhookEventId(source, 'quote.failed'), id);
    assert.notEqual(webhookEventId(uuidv7(), 'quote.completed'), id);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // What the delivery API and the CRM's redelivery request accept as an event id.
    assert.equal(z.uuid().safeParse(id).success, true);
  });
});
