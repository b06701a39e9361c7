import type { EventDefinition } from '@fabflow/contracts';
import { dlqName, retryQueueName } from '../topology';
import {
  LICENSE,
  jsonSchemaOf,
  type AsyncApiChannel,
  type AsyncApiDocument,
  type AsyncApiMessage,
  type AsyncApiOperation,
} from './asyncapi';
import { cloudEventsHeaders } from './cloud-events-headers';

/** A subscription queue of a consuming service and the events its handlers take from it. */
export interface QueueSubscription {
  service: string;
  queue: string;
  events: readonly EventDefinition[];
}

const AMQP = { bindingVersion: '0.3.0' };
/** AsyncAPI ids allow letters, digits, `_` and `-`. */
const idOf = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-');
const messageRef = (def: EventDefinition) => ({ $ref: `#/components/messages/${def.name}` });

function message(def: EventDefinition): AsyncApiMessage {
  return {
    name: def.name,
    title: `${def.name} (${def.type})`,
    summary: def.description,
    contentType: 'application/json',
    headers: cloudEventsHeaders(def),
    payload: jsonSchemaOf(def.schema),
    correlationId: {
      description: 'The request or event that started this chain of events.',
      location: '$message.header#/correlationid',
    },
    bindings: { amqp: { messageType: def.type, ...AMQP } },
  };
}

/** The routing key `def` is published with on its publisher's topic exchange. */
function eventChannel(def: EventDefinition): AsyncApiChannel {
  return {
    address: def.routingKey,
    title: `${def.exchange} ${def.routingKey}`,
    description: `Published by ${def.publisher} on the topic exchange ${def.exchange} with routing key ${def.routingKey}.`,
    messages: { [def.name]: messageRef(def) },
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: {
          name: def.exchange,
          type: 'topic',
          durable: true,
          autoDelete: false,
          vhost: '/',
        },
        ...AMQP,
      },
    },
  };
}

function queueChannel(s: QueueSubscription): AsyncApiChannel {
  const bound = s.events.map((e) => `${e.exchange} ${e.routingKey}`).join(', ');
  return {
    address: s.queue,
    title: s.queue,
    description:
      `Quorum queue of ${s.service}, bound to ${bound}. A delivery whose handler fails waits in ` +
      `${retryQueueName(s.queue, 1)}, ${retryQueueName(s.queue, 2)}, … and, after the last retry ` +
      `(or at once when its payload fails the schema), goes to ${dlqName(s.queue)}.`,
    messages: Object.fromEntries(s.events.map((e) => [e.name, messageRef(e)])),
    bindings: {
      amqp: {
        is: 'queue',
        queue: { name: s.queue, durable: true, exclusive: false, autoDelete: false, vhost: '/' },
        ...AMQP,
      },
    },
  };
}

function operations(
  catalogue: readonly EventDefinition[],
  subscriptions: readonly QueueSubscription[],
): Record<string, AsyncApiOperation> {
  const ops: Record<string, AsyncApiOperation> = {};
  for (const def of catalogue) {
    ops[`publish${def.name}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${def.name}` },
      title: `${def.publisher} publishes ${def.routingKey}`,
      summary:
        'From the outbox, in the business transaction, by the relay with publisher confirms.',
      messages: [{ $ref: `#/channels/${def.name}/messages/${def.name}` }],
      bindings: { amqp: { deliveryMode: 2, mandatory: true, timestamp: true, ...AMQP } },
    };
  }
  for (const s of subscriptions) {
    const channel = idOf(s.queue);
    ops[`consume-${channel}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${channel}` },
      title: `${s.service} consumes ${s.queue}`,
      summary:
        'Manual acks after the handler and the inbox row commit; duplicates are acked without effect.',
      messages: s.events.map((e) => ({ $ref: `#/channels/${channel}/messages/${e.name}` })),
      bindings: { amqp: { ack: true, ...AMQP } },
    };
  }
  return ops;
}

/**
 * The AsyncAPI 3.0 document of the event bus: one channel per event (its publisher's topic
 * exchange and routing key) with its publishing operation, one channel per subscription queue
 * with its consuming operation, and one message per event of the catalogue: the CloudEvents
 * headers and the payload's JSON Schema from the contract's zod schema.
 */
export function eventBusAsyncApi(
  catalogue: readonly EventDefinition[],
  subscriptions: readonly QueueSubscription[],
): AsyncApiDocument {
  const known = new Set(catalogue.map((e) => e.type));
  for (const s of subscriptions)
    for (const e of s.events)
      if (!known.has(e.type))
        throw new Error(`${s.queue} consumes ${e.type}, not in the catalogue`);
  const channels: Record<string, AsyncApiChannel> = {};
  for (const def of catalogue) channels[def.name] = eventChannel(def);
  for (const s of subscriptions) channels[idOf(s.queue)] = queueChannel(s);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fabflow event bus',
      version: '1',
      description:
        'Every event the services exchange over RabbitMQ. Each publishing service has one topic ' +
        'exchange (`shop.events`, `crm.events`, `mes.events`); the routing key is the event name. ' +
        'A message is a CloudEvents 1.0 event in binary mode: the attributes in `ce-*` headers, the ' +
        'data as the JSON body, validated against the same schema by the publisher and every consumer. ' +
        'Messages are persistent and published with confirms; consumers use quorum queues, manual acks, ' +
        'an inbox for deduplication, delayed retries and a dead-letter queue.',
      license: LICENSE,
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'The broker of `npm start` (AMQP_URLS); a 3-node cluster in docker compose.',
      },
    },
    channels,
    operations: operations(catalogue, subscriptions),
    components: { messages: Object.fromEntries(catalogue.map((e) => [e.name, message(e)])) },
  };
}
