import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import {
  defineEvent,
  EVENT_CATALOGUE,
  OrderPlaced,
  QuoteFailed,
  WorkOrderStatusChanged,
} from '@fabflow/contracts';
import { envelopeHeaders, fromDelivery, newEnvelope } from '../envelope';
import { jsonSchemaOf } from './asyncapi';
import { cloudEventsHeaders } from './cloud-events-headers';
import { eventBusAsyncApi, eventChannelId, messageId } from './event-bus.asyncapi';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const envelope = (extensions: boolean) =>
  newEnvelope({
    type: OrderPlaced.type,
    source: 'fabflow/shop',
    subject: '0193a5c4-0d00-7000-8000-00000000de01',
    version: 3,
    ...(extensions
      ? {
          correlationId: 'req-1',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          tracestate: 'vendor=1',
        }
      : {}),
    data: {},
  });

describe('the AsyncAPI document of the event bus', () => {
  it('declares exactly the headers envelopeHeaders writes, and they satisfy it', () => {
    const schema = cloudEventsHeaders(OrderPlaced);
    const full = envelopeHeaders(envelope(true));
    const bare = envelopeHeaders(envelope(false));
    assert.deepEqual(Object.keys(schema.properties as object).sort(), Object.keys(full).sort());
    assert.deepEqual([...(schema.required as string[])].sort(), Object.keys(bare).sort());
    for (const headers of [full, bare]) {
      const valid = ajv.validate(schema, headers);
      assert.ok(valid, ajv.errorsText());
    }
    // …and a delivery carrying those headers is what the consumer reads.
    const msg = { content: Buffer.from('{}'), properties: { headers: full } };
    assert.equal(fromDelivery(msg as unknown as ConsumeMessage).version, 3);
    assert.equal(ajv.validate(schema, { ...full, 'ce-type': QuoteFailed.type }), false);
  });

  it('has a channel and a publishing operation per routing key, a message per event type, a consuming operation per queue', () => {
    const doc = eventBusAsyncApi(EVENT_CATALOGUE, [
      { service: 'crm', queue: 'crm.orders', events: [OrderPlaced, WorkOrderStatusChanged] },
    ]);
    for (const def of EVENT_CATALOGUE) {
      const channel = doc.channels[eventChannelId(def)];
      assert.equal(channel?.address, def.routingKey);
      assert.ok(channel?.messages[messageId(def)], `${def.type} on its channel`);
      assert.equal(doc.operations[`publish-${eventChannelId(def)}`]?.action, 'send');
      assert.deepEqual(doc.components.messages[messageId(def)]?.payload, jsonSchemaOf(def.schema));
    }
    assert.equal(Object.keys(doc.components.messages).length, EVENT_CATALOGUE.length);
    const consume = doc.operations['consume-queue-crm-orders'];
    assert.equal(consume?.action, 'receive');
    assert.deepEqual(consume?.messages, [
      { $ref: '#/channels/queue-crm-orders/messages/OrderPlacedV1' },
      { $ref: '#/channels/queue-crm-orders/messages/WorkOrderStatusChangedV1' },
    ]);
    assert.match(doc.channels['queue-crm-orders']?.description ?? '', /shop\.events order\.placed/);
  });

  it('puts every version of an event on its one channel, and the same key of two publishers on two', () => {
    const v1 = defineEvent(
      'shop',
      'Thing',
      'thing.done',
      1,
      z.strictObject({ a: z.string() }),
      'x',
    );
    const v2 = defineEvent(
      'shop',
      'Thing',
      'thing.done',
      2,
      z.strictObject({ b: z.string() }),
      'x',
    );
    const other = defineEvent('crm', 'Other', 'thing.done', 1, z.strictObject({}), 'y');
    const doc = eventBusAsyncApi([v1, v2, other], []);
    assert.deepEqual(Object.keys(doc.channels), [
      'shop-events-thing-done',
      'crm-events-thing-done',
    ]);
    assert.deepEqual(Object.keys(doc.channels['shop-events-thing-done']!.messages), [
      'ThingV1',
      'ThingV2',
    ]);
    assert.equal(doc.operations['publish-shop-events-thing-done']?.messages.length, 2);
    assert.deepEqual(Object.keys(doc.components.messages), ['ThingV1', 'ThingV2', 'OtherV1']);
  });

  it('refuses a subscription to an event the catalogue does not know', () => {
    const stray = defineEvent('shop', 'Stray', 'stray.thing', 1, z.strictObject({}), 'x');
    assert.throws(
      () => eventBusAsyncApi(EVENT_CATALOGUE, [{ service: 'crm', queue: 'q', events: [stray] }]),
      /q consumes fabflow\.shop\.stray\.thing\.v1, not in the catalogue/,
    );
  });

  it('refuses a payload JSON Schema cannot represent, rather than documenting it loosely', () => {
    assert.throws(() => jsonSchemaOf(z.strictObject({ at: z.date() })), /cannot be represented/i);
  });

  it('gives payload schemas that accept real events and refuse broken ones', () => {
    const payload = jsonSchemaOf(QuoteFailed.schema);
    const data = {
      quoteId: '0193a5c3-4c00-7000-8000-0000000c0de1',
      code: 'TRUNCATED',
      reason: 'The file ends early',
      failedAt: '2026-12-03T09:12:04.000Z',
    };
    assert.ok(ajv.validate(payload, QuoteFailed.schema.parse(data)), ajv.errorsText());
    assert.equal(ajv.validate(payload, { ...data, extra: 1 }), false);
    assert.equal(ajv.validate(payload, { ...data, failedAt: 'yesterday' }), false);
  });
});
