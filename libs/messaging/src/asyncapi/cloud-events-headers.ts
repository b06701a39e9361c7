import type { EventDefinition } from '@fabflow/contracts';
import type { JsonSchema } from './asyncapi';

/**
 * The AMQP headers of an event of type `def` (the CloudEvents AMQP binding in binary mode, as
 * `envelopeHeaders` writes them and `fromDelivery` reads them), as a JSON Schema. The broker
 * adds its own headers (`x-death`, `x-delivery-count`) on retries, so others are allowed.
 */
export function cloudEventsHeaders(def: EventDefinition): JsonSchema {
  const text = (description: string, more: JsonSchema = {}) => ({
    type: 'string',
    description,
    ...more,
  });
  return {
    type: 'object',
    required: [
      'ce-specversion',
      'ce-id',
      'ce-type',
      'ce-source',
      'ce-subject',
      'ce-time',
      'ce-version',
    ],
    properties: {
      'ce-specversion': text('CloudEvents specification version.', { const: '1.0' }),
      'ce-id': text(
        'Event id (a UUIDv7), also the AMQP message-id. Consumers deduplicate on it (inbox); a replay from the DLQ keeps it.',
        { minLength: 1 },
      ),
      'ce-type': text('CloudEvents type: `fabflow.<publisher>.<routing key>.v<version>`.', {
        const: def.type,
      }),
      'ce-source': text('The publishing service.', { const: `fabflow/${def.publisher}` }),
      'ce-subject': text('Id of the aggregate the event is about (an order, a quote, a key…).', {
        minLength: 1,
      }),
      'ce-time': text('When the event happened (RFC 3339).', { format: 'date-time' }),
      'ce-version': text(
        "The aggregate's version after this change (a decimal integer ≥ 1); projections apply an event only if it is newer than what they hold, since delivery order is not guaranteed.",
        { pattern: '^[1-9][0-9]*$' },
      ),
      correlationid: text(
        'The request (x-request-id) or the causing event that started this chain of events.',
      ),
      traceparent: text('W3C trace context of the span that emitted the event.', {
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      }),
      tracestate: text('W3C trace state, with traceparent.'),
    },
  };
}
