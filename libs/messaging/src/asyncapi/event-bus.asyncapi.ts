import type { EventDefinition } from '@fabflow/contracts';
import { dlqName, retryQueueName } from '../topology';
import {
  LICENSE,
  jsonSchemaOf,
  type AsyncApiChannel,
  type AsyncApiDocument,
  type AsyncApiMessage,
  type AsyncApiOperation,
  type Ref,
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
/** One message per event type: `OrderPlacedV1`, `OrderPlacedV2`. */
export const messageId = (def: EventDefinition) => `${def.name}V${def.version}`;
/** One channel per exchange and routing key: every version of an event travels on it. */
export const eventChannelId = (def: EventDefinition) => idOf(`${def.exchange}.${def.routingKey}`);
/** One channel per subscription queue. */
export const queueChannelId = (queue: string) => idOf(`queue.${queue}`);

const componentRef = (def: EventDefinition): Ref => ({
  $ref: `#/components/messages/${messageId(def)}`,
});
const messagesOf = (defs: readonly EventDefinition[]) =>
  Object.fromEntries(defs.map((d) => [messageId(d), componentRef(d)]));
const channelMessageRefs = (channel: string, defs: readonly EventDefinition[]): Ref[] =>
  defs.map((d) => ({ $ref: `#/channels/${channel}/messages/${messageId(d)}` }));

function message(def: EventDefinition): AsyncApiMessage {
  return {
    name: def.name,
    title: `${def.name} v${def.version} (${def.type})`,
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

/** The routing key of `defs` (every version of one event) on their publisher's topic exchange. */
function eventChannel(defs: readonly EventDefinition[]): AsyncApiChannel {
  const { publisher, exchange, routingKey } = defs[0]!;
  return {
    address: routingKey,
    title: `${exchange} ${routingKey}`,
    description: `Published by ${publisher} on the topic exchange ${exchange} with routing key ${routingKey}; the ce-type header tells the versions apart.`,
    messages: messagesOf(defs),
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        ...AMQP,
      },
    },
  };
}

function queueChannel(s: QueueSubscription): AsyncApiChannel {
  const bound = [...new Set(s.events.map((e) => `${e.exchange} ${e.routingKey}`))].join(', ');
  return {
    address: s.queue,
    title: s.queue,
    description:
      `Quorum queue of ${s.service}, bound to ${bound}. A delivery whose handler fails waits in ` +
      `${retryQueueName(s.queue, 1)}, ${retryQueueName(s.queue, 2)}, … and, after the last retry ` +
      `(or at once when its payload fails the schema), goes to ${dlqName(s.queue)}.`,
    messages: messagesOf(s.events),
    bindings: {
      amqp: {
        is: 'queue',
        queue: { name: s.queue, durable: true, exclusive: false, autoDelete: false, vhost: '/' },
        ...AMQP,
      },
    },
  };
}

function publishOperation(channel: string, defs: readonly EventDefinition[]): AsyncApiOperation {
  const { publisher, routingKey } = defs[0]!;
  return {
    action: 'send',
    channel: { $ref: `#/channels/${channel}` },
    title: `${publisher} publishes ${routingKey}`,
    summary: 'From the outbox, in the business transaction, by the relay with publisher confirms.',
    messages: channelMessageRefs(channel, defs),
    bindings: { amqp: { deliveryMode: 2, mandatory: true, timestamp: true, ...AMQP } },
  };
}

function consumeOperation(s: QueueSubscription): AsyncApiOperation {
  const channel = queueChannelId(s.queue);
  return {
    action: 'receive',
    channel: { $ref: `#/channels/${channel}` },
    title: `${s.service} consumes ${s.queue}`,
    summary:
      'Manual acks after the handler and the inbox row commit; duplicates are acked without effect.',
    messages: channelMessageRefs(channel, s.events),
    bindings: { amqp: { ack: true, ...AMQP } },
  };
}

/** Channels and operations, failing on two channels with one id rather than losing one. */
function channelsAndOperations(
  catalogue: readonly EventDefinition[],
  subscriptions: readonly QueueSubscription[],
): Pick<AsyncApiDocument, 'channels' | 'operations'> {
  const channels: AsyncApiDocument['channels'] = {};
  const operations: AsyncApiDocument['operations'] = {};
  const add = (id: string, channel: AsyncApiChannel, op: AsyncApiOperation, opId: string) => {
    if (channels[id]) throw new Error(`two channels would be called ${id}`);
    channels[id] = channel;
    operations[opId] = op;
  };
  const byChannel = new Map<string, EventDefinition[]>();
  for (const def of catalogue)
    byChannel.set(eventChannelId(def), [...(byChannel.get(eventChannelId(def)) ?? []), def]);
  for (const [id, defs] of byChannel)
    add(id, eventChannel(defs), publishOperation(id, defs), `publish-${id}`);
  for (const s of subscriptions) {
    const id = queueChannelId(s.queue);
    add(id, queueChannel(s), consumeOperation(s), `consume-${id}`);
  }
  return { channels, operations };
}

/**
 * The AsyncAPI 3.0 document of the event bus: one channel per exchange and routing key with
 * its publishing operation, one channel per subscription queue with its consuming operation,
 * and one message per event type of the catalogue: the CloudEvents headers and the payload's
 * JSON Schema from the contract's zod schema.
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
    ...channelsAndOperations(catalogue, subscriptions),
    components: { messages: Object.fromEntries(catalogue.map((e) => [messageId(e), message(e)])) },
  };
}
