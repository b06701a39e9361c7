import { WEBHOOK_EVENT_TYPES, webhookBody, type WebhookEventType } from '@fabflow/contracts';
import {
  jsonSchemaOf,
  LICENSE,
  type AsyncApiDocument,
  type AsyncApiMessage,
  type JsonSchema,
} from '@fabflow/messaging';
import { loadConfig } from '@fabflow/config';
import { webhooksEnv } from './webhooks.config';
import { EVENT_ID_HEADER, SIGNATURE_HEADER } from './webhook-signature';

const UUID = { type: 'string', format: 'uuid' };
const HTTP = { bindingVersion: '0.3.0' };
/** `quote.completed` → `QuoteCompleted`: AsyncAPI ids allow letters, digits, `_` and `-`. */
const idOf = (type: string) =>
  type.replace(/(^|[._])([a-z])/g, (_: string, __: string, c: string) => c.toUpperCase());

/** The request headers of a webhook of `type`, as `webhookHeaders` sends them. */
function headers(type: WebhookEventType): JsonSchema {
  return {
    type: 'object',
    required: [
      'content-type',
      'user-agent',
      EVENT_ID_HEADER,
      'fabflow-event-type',
      'fabflow-delivery-id',
      'fabflow-attempt',
      SIGNATURE_HEADER,
    ],
    properties: {
      'content-type': { type: 'string', const: 'application/json' },
      'user-agent': { type: 'string', const: 'Fabflow-Webhooks/1' },
      [EVENT_ID_HEADER]: {
        ...UUID,
        description:
          "The event's id, as `id` in the body: the same on every attempt and redelivery. Deduplicate on it.",
      },
      'fabflow-event-type': { type: 'string', const: type },
      'fabflow-delivery-id': {
        ...UUID,
        description:
          'This delivery (one per subscription and event), as listed under the subscription’s deliveries.',
      },
      'fabflow-attempt': {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description: 'The attempt number of this delivery, from 1.',
      },
      [SIGNATURE_HEADER]: {
        type: 'string',
        pattern: '^t=[0-9]+(,v1=[0-9a-f]{64})+$',
        description:
          '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one v1 per signing secret (two while a rotated secret overlaps its successor). Verify any v1 in constant time over the raw body bytes, and refuse a t more than 5 minutes away from now.',
      },
    },
  };
}

function message(type: WebhookEventType): AsyncApiMessage {
  return {
    name: type,
    title: type,
    summary: `The signed \`${type}\` event of a B2B quote or order.`,
    contentType: 'application/json',
    headers: headers(type),
    payload: jsonSchemaOf(webhookBody(type)),
    correlationId: {
      description: 'The event id, the same on every attempt and redelivery.',
      location: '$message.payload#/id',
    },
  };
}

/**
 * The AsyncAPI 3.0 document of the B2B webhooks the shop sends: one message per event type,
 * the JSON body from the contracts, the signature and id headers, POSTed to the URL of each
 * subscription that asked for the type.
 */
export function webhooksAsyncApi(): AsyncApiDocument {
  const ids = WEBHOOK_EVENT_TYPES.map((type) => [type, idOf(type)] as const);
  const defaults = loadConfig(webhooksEnv, {});
  const seconds = defaults.WEBHOOK_TIMEOUT_MS / 1000;
  const hours = defaults.WEBHOOK_DISABLE_AFTER_MS / 3_600_000;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fabflow B2B webhooks',
      version: '1',
      description:
        'What the shop POSTs to the URL of a B2B webhook subscription (POST /b2b/v1/webhooks) for each event type it subscribes to. ' +
        `Answer 2xx within the timeout (${seconds} s by default). 408, 429 (its Retry-After honoured) and 5xx, timeouts and connection errors are retried with exponential backoff and jitter; any other status is a refusal and not retried. ` +
        `A subscription failing for longer than the disable period (${hours} hours by default) is disabled. ` +
        'A delivery can arrive more than once and out of order: deduplicate on Fabflow-Event-Id and use the data (from, to, at) rather than the arrival order.',
      license: LICENSE,
    },
    defaultContentType: 'application/json',
    servers: {
      subscriber: {
        host: '{host}',
        protocol: 'https',
        description: "The subscription's URL (https; public addresses only).",
        variables: { host: { description: 'Host (and port) of the subscription URL.' } },
      },
    },
    channels: {
      subscription: {
        address: null,
        title: 'A webhook subscription URL',
        description:
          'The URL given when subscribing; every event type it subscribed to is POSTed there.',
        messages: Object.fromEntries(
          ids.map(([, id]) => [id, { $ref: `#/components/messages/${id}` }]),
        ),
      },
    },
    operations: Object.fromEntries(
      ids.map(([type, id]) => [
        `send${id}`,
        {
          action: 'send' as const,
          channel: { $ref: '#/channels/subscription' },
          title: `POST ${type}`,
          summary: 'One POST per subscription, retried until a 2xx (or a refusal).',
          messages: [{ $ref: `#/channels/subscription/messages/${id}` }],
          bindings: { http: { method: 'POST', ...HTTP } },
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(ids.map(([type, id]) => [id, message(type)])),
    },
  };
}
