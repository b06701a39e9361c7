import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { WEBHOOK_EVENT_TYPES } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { QuoteFacts } from '../notification-facts';
import { orderStatusChanged, quoteFailed } from './webhook-events';
import type { WebhookEvent } from './webhook-outbox';
import { webhookHeaders } from './webhook-signature';
import { webhooksAsyncApi } from './webhooks.asyncapi';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const doc = webhooksAsyncApi();
const messageOf = (type: string) => {
  const m = Object.values(doc.components.messages).find((x) => x.name === type);
  assert.ok(m, `${type} documented`);
  return m;
};
/** The body WebhookOutbox.record stores and the deliverer sends. */
const bodyOf = (e: WebhookEvent) => ({
  id: e.eventId,
  type: e.type,
  createdAt: e.occurredAt?.toISOString(),
  data: e.data,
});
const source = { id: uuidv7(), time: '2026-12-03T09:13:00.000Z' };

describe('the AsyncAPI document of the B2B webhooks', () => {
  it('documents every webhook event type with a send operation', () => {
    for (const type of WEBHOOK_EVENT_TYPES) messageOf(type);
    assert.equal(Object.keys(doc.operations).length, WEBHOOK_EVENT_TYPES.length);
  });

  it('declares exactly the headers a delivery sends, and they satisfy it', () => {
    const delivery = {
      id: uuidv7(),
      event_id: uuidv7(),
      event_type: 'order.status_changed',
      body: '{}',
      attempts: 2,
    };
    const sent = webhookHeaders(delivery, ['old-secret', 'new-secret'], 1_764_000_000);
    const schema = messageOf('order.status_changed').headers;
    assert.deepEqual(Object.keys(schema.properties as object).sort(), Object.keys(sent).sort());
    assert.deepEqual([...(schema.required as string[])].sort(), Object.keys(sent).sort());
    assert.ok(ajv.validate(schema, sent), ajv.errorsText());
    assert.equal(ajv.validate(messageOf('quote.failed').headers, sent), false, 'type is pinned');
  });

  it('gives body schemas that the bodies of real webhook events satisfy', () => {
    const line = (n: number, status: 'SHIPPED' | 'PENDING') => ({
      id: uuidv7(),
      line_no: n,
      quote_id: uuidv7(),
      status,
      cancellation_outcome: null,
    });
    const order = {
      id: uuidv7(),
      customer_id: uuidv7(),
      channel: 'B2B' as const,
      lines: [line(1, 'SHIPPED'), line(2, 'PENDING')],
    };
    const changed = bodyOf(orderStatusChanged(order, 'IN_PRODUCTION', 'PARTIALLY_SHIPPED', source));
    const payload = messageOf('order.status_changed').payload;
    assert.ok(ajv.validate(payload, changed), ajv.errorsText());
    assert.deepEqual(
      (changed.data as { lines: Array<{ lineNo: number; status: string }> }).lines.map((l) => [
        l.lineNo,
        l.status,
      ]),
      [
        [1, 'SHIPPED'],
        [2, 'PENDING'],
      ],
      'every line with its status',
    );
    assert.equal(
      ajv.validate(payload, { ...changed, data: { ...(changed.data as object), lines: [{}] } }),
      false,
      'a line needs its fields',
    );
    assert.equal(ajv.validate(payload, { ...changed, type: 'quote.failed' }), false);
    const quote = {
      id: uuidv7(),
      customer_id: uuidv7(),
      failure_code: 'TRUNCATED',
      failure_reason: 'The file ends early',
    } as unknown as QuoteFacts;
    const failed = bodyOf(quoteFailed(quote, source));
    assert.ok(ajv.validate(messageOf('quote.failed').payload, failed), ajv.errorsText());
  });
});
