import type { Message, Options } from 'amqplib';
import type { DlqMessage, DlqMessageDetail } from '@fabflow/contracts';
import { RETRY_COUNT_HEADER } from './event-consumer';

/** Headers the consumer (or the broker) adds when a message fails; a replay starts afresh. */
const FAILURE_HEADERS = [
  RETRY_COUNT_HEADER,
  'x-last-error',
  'x-dlq-reason',
  'x-error',
  'x-attempts',
  'x-dead-lettered-at',
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
];

type Headers = Record<string, unknown>;

const headersOf = (msg: Message): Headers => msg.properties.headers ?? {};

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (Buffer.isBuffer(v) && v.length > 0) return v.toString('utf8');
  return undefined;
}

/** amqplib decodes an AMQP timestamp as `{ '!': 'timestamp', value: seconds }`. */
function timestamp(v: unknown): string | undefined {
  const seconds =
    typeof v === 'object' && v !== null && (v as { '!'?: unknown })['!'] === 'timestamp'
      ? (v as { value?: unknown }).value
      : v;
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined;
}

function int(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** The first `x-death` entry: set when the broker itself dead-lettered the message. */
function brokerDeath(h: Headers): Record<string, unknown> | undefined {
  const deaths = h['x-death'];
  return Array.isArray(deaths) && typeof deaths[0] === 'object' && deaths[0] !== null
    ? (deaths[0] as Record<string, unknown>)
    : undefined;
}

/** The event id: AMQP messageId, else the CloudEvents id header. */
export function messageIdOf(msg: Message): string | undefined {
  return text(msg.properties.messageId) ?? text(headersOf(msg)['ce-id']);
}

export function eventTypeOf(msg: Message): string | undefined {
  return text(headersOf(msg)['ce-type']) ?? text(msg.properties.type);
}

/** What a dead-lettered message is and why it is here, from the headers the consumer set. */
export function describeDeadLetter(msg: Message): DlqMessage {
  const h = headersOf(msg);
  const death = brokerDeath(h);
  const brokerReason = text(h['x-first-death-reason']) ?? text(death?.reason);
  const routingKeys = death?.['routing-keys'];
  return {
    id: messageIdOf(msg) ?? null,
    type: eventTypeOf(msg) ?? null,
    subject: text(h['ce-subject']) ?? null,
    reason: text(h['x-dlq-reason']) ?? (brokerReason ? `broker-${brokerReason}` : 'unknown'),
    error: text(h['x-error']) ?? null,
    attempts: int(h['x-attempts']) ?? int(h['x-delivery-count']) ?? null,
    deadLetteredAt: text(h['x-dead-lettered-at']) ?? timestamp(death?.time) ?? null,
    originalExchange: text(h['x-original-exchange']) ?? text(death?.exchange) ?? null,
    originalRoutingKey:
      text(h['x-original-routing-key']) ??
      (Array.isArray(routingKeys) ? text(routingKeys[0]) : undefined) ??
      null,
    replayCount: int(h['x-replay-count']) ?? 0,
  };
}

/** Header and property values as JSON (AMQP tables may hold buffers, dates and big integers). */
export function jsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  const time = timestamp(v);
  if (time !== undefined && typeof v === 'object') return time;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  }
  return v;
}

function decodeBody(content: Buffer): DlqMessageDetail['body'] {
  const utf8 = content.toString('utf8');
  // A lossless round trip means the bytes are UTF-8 text.
  if (!Buffer.from(utf8, 'utf8').equals(content))
    return { encoding: 'base64', value: content.toString('base64') };
  try {
    return { encoding: 'json', value: JSON.parse(utf8) as unknown };
  } catch {
    return { encoding: 'text', value: utf8 };
  }
}

/** One message in full: summary, AMQP properties, headers and the decoded body. */
export function detailDeadLetter(msg: Message): DlqMessageDetail {
  const { headers, ...properties } = msg.properties;
  const defined = Object.entries(properties).filter(([, v]) => v !== undefined);
  return {
    ...describeDeadLetter(msg),
    properties: jsonSafe(Object.fromEntries(defined)) as Record<string, unknown>,
    headers: jsonSafe(headers ?? {}) as Record<string, unknown>,
    sizeBytes: msg.content.length,
    body: decodeBody(msg.content),
  };
}

/**
 * Publish options that put a dead-lettered message back in its main queue as a fresh
 * delivery: same messageId, CloudEvents headers and properties; the retry count and failure
 * headers are removed (the last failure is kept as `x-replayed-*` for audit) and `x-replayed-at`
 * and `x-replay-count` are added.
 */
export function replayOptions(msg: Message, now: Date): Options.Publish {
  const h = headersOf(msg);
  const last = describeDeadLetter(msg);
  const headers: Headers = {};
  for (const [k, v] of Object.entries(h)) {
    if (!FAILURE_HEADERS.includes(k)) headers[k] = v;
  }
  headers['x-replayed-at'] = now.toISOString();
  headers['x-replay-count'] = last.replayCount + 1;
  headers['x-replayed-reason'] = last.reason;
  if (last.error) headers['x-replayed-error'] = last.error.slice(0, 2000);
  if (last.attempts !== null) headers['x-replayed-attempts'] = last.attempts;
  if (last.deadLetteredAt) headers['x-replayed-dead-lettered-at'] = last.deadLetteredAt;
  // `userId` would have to match the replaying connection's user, and an expiration could
  // drop the replayed copy again: neither is part of the event.
  const properties: Options.Publish = { ...(msg.properties as Options.Publish) };
  delete properties.userId;
  delete properties.expiration;
  return { ...properties, headers, persistent: true };
}
