import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventData, EventDefinition } from '@fabflow/contracts';
import { currentContext, traceHeaders } from '@fabflow/observability';
import { envelopeHeaders, newEnvelope, type EventEnvelope } from './envelope';
import type { MessagingTables } from './tables';

export interface EmitOptions {
  subject: string;
  /** Aggregate version after this change; consumers apply an event only if it is newer. */
  version: number;
}

/** What business code uses to emit events inside its transaction. */
export interface EventSink {
  emit<E extends EventDefinition>(
    def: E,
    data: EventData<E>,
    opts: EmitOptions,
  ): Promise<EventEnvelope>;
}

/**
 * Writes outbox rows inside the caller's transaction. The event is validated against its
 * contract first: an invalid event is a bug and fails the business write, never the consumer.
 */
export class OutboxWriter {
  constructor(private readonly source: string) {}

  sink(
    tx: Transaction<MessagingTables>,
    onEmit: (envelope: EventEnvelope) => void,
    causation?: EventEnvelope,
  ): EventSink {
    return {
      emit: async (def, data, opts) => {
        const parsed: unknown = def.schema.parse(data);
        const ctx = currentContext();
        // The row keeps the emitting span (the HTTP request's, or the handling of the causing
        // message), so the relay's publish continues this trace. Tracing off: the causing
        // message's context passes through unchanged.
        const trace = traceHeaders();
        const envelope = newEnvelope({
          type: def.type,
          source: this.source,
          subject: opts.subject,
          version: opts.version,
          correlationId: causation?.correlationId ?? ctx?.correlationId,
          traceparent: trace.traceparent ?? causation?.traceparent,
          tracestate: trace.traceparent ? trace.tracestate : causation?.tracestate,
          data: parsed,
        });
        await tx
          .insertInto('outbox')
          .values({
            id: envelope.id,
            exchange: def.exchange,
            routing_key: def.routingKey,
            type: def.type,
            subject: envelope.subject,
            aggregate_version: envelope.version,
            payload: JSON.stringify(parsed),
            headers: JSON.stringify(envelopeHeaders(envelope)) as unknown as Record<string, string>,
            last_error: null,
          })
          .execute();
        onEmit(envelope);
        return envelope;
      },
    };
  }
}

export interface OutboxStats {
  backlog: number;
  oldestAgeSeconds: number;
}

export async function outboxStats(db: Kysely<MessagingTables>): Promise<OutboxStats> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<number>`count(*)::int`.as('backlog'),
      sql<number>`coalesce(extract(epoch from clock_timestamp() - min(created_at)), 0)::float8`.as(
        'oldest',
      ),
    ])
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { backlog: row.backlog, oldestAgeSeconds: row.oldest };
}
