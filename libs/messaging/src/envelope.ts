import type { ConsumeMessage, Options } from 'amqplib';
import { uuidv7 } from '@fabflow/db';

/** A CloudEvents 1.0 event as it travels between services. */
export interface EventEnvelope<D = unknown> {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  /** Version of the aggregate (`subject`) after the change this event records. */
  version: number;
  correlationId?: string;
  /** W3C trace context of the span that emitted the event (distributed tracing extension). */
  traceparent?: string;
  tracestate?: string;
  data: D;
}

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** CloudEvents attributes as AMQP headers (binary content mode). */
export function envelopeHeaders(e: Omit<EventEnvelope, 'data'>): Record<string, string> {
  const h: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-id': e.id,
    'ce-type': e.type,
    'ce-source': e.source,
    'ce-subject': e.subject,
    'ce-time': e.time,
    'ce-version': String(e.version),
  };
  if (e.correlationId) h.correlationid = e.correlationId;
  if (e.traceparent) h.traceparent = e.traceparent;
  if (e.tracestate) h.tracestate = e.tracestate;
  return h;
}

export function newEnvelope<D>(
  fields: Omit<EventEnvelope<D>, 'id' | 'time'> & { id?: string; time?: string },
): EventEnvelope<D> {
  return { ...fields, id: fields.id ?? uuidv7(), time: fields.time ?? new Date().toISOString() };
}

/** AMQP publish options for an event: messageId = event id, persistent, JSON body. */
export function publishOptions(headers: Record<string, string>): Options.Publish {
  return {
    messageId: headers['ce-id'],
    type: headers['ce-type'],
    timestamp: Math.floor(Date.parse(headers['ce-time'] ?? '') / 1000) || undefined,
    contentType: 'application/json',
    persistent: true,
    headers,
  };
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Reads an envelope from a delivery; throws `EnvelopeError` if it is not a well-formed event. */
export function fromDelivery(msg: ConsumeMessage): EventEnvelope {
  const h = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const id = str(h['ce-id']) ?? str(msg.properties.messageId);
  const type = str(h['ce-type']) ?? str(msg.properties.type);
  const source = str(h['ce-source']);
  const subject = str(h['ce-subject']);
  const time = str(h['ce-time']);
  const version = Number(h['ce-version']);
  const missing = Object.entries({ id, type, source, subject, time })
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new EnvelopeError(`missing CloudEvents attributes: ${missing.join(', ')}`);
  if (!Number.isInteger(version) || version < 1)
    throw new EnvelopeError('ce-version must be a positive integer');
  let data: unknown;
  try {
    data = JSON.parse(msg.content.toString('utf8'));
  } catch {
    throw new EnvelopeError('body is not valid JSON');
  }
  return {
    id: id!,
    type: type!,
    source: source!,
    subject: subject!,
    time: time!,
    version,
    correlationId: str(h.correlationid),
    traceparent: str(h.traceparent),
    tracestate: str(h.tracestate),
    data,
  };
}
