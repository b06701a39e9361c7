import type { Transaction } from 'kysely';
import type { EventData, EventDefinition } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import type { EventEnvelope } from './envelope';
import type { EventSink } from './outbox';
import type { AfterCommit } from './unit-of-work';
import type { Binding } from './topology';

export interface HandlerContext<DB> {
  /** The transaction that also records the inbox row: effects and dedup commit together. */
  tx: Transaction<DB>;
  events: EventSink;
  logger: Logger;
  /** Work for after the handler's transaction has committed (a live-update notification, say). */
  afterCommit: AfterCommit;
}

/** Handles one event type. Register it once per consuming service. */
export interface EventHandler<DB, E extends EventDefinition = EventDefinition> {
  readonly event: E;
  handle(ctx: HandlerContext<DB>, event: EventEnvelope<EventData<E>>): Promise<void>;
}

/** A handler error that retrying cannot fix: the message goes to the DLQ at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * Indexes handlers by event type. Startup fails if a type has two handlers or a handler is
 * registered for a type the catalogue does not know.
 */
export class HandlerRegistry<DB> {
  private readonly byType = new Map<string, EventHandler<DB>>();

  constructor(handlers: EventHandler<DB>[], catalogue: readonly EventDefinition[]) {
    const known = new Set(catalogue.map((e) => e.type));
    for (const h of handlers) {
      if (!known.has(h.event.type))
        throw new Error(`Handler for unknown event type ${h.event.type}`);
      if (this.byType.has(h.event.type))
        throw new Error(`Two handlers for event type ${h.event.type}`);
      this.byType.set(h.event.type, h);
    }
    if (this.byType.size === 0) throw new Error('A consumer needs at least one handler');
  }

  get(type: string): EventHandler<DB> | undefined {
    return this.byType.get(type);
  }

  /** The bindings that deliver exactly the handled types. */
  bindings(): Binding[] {
    return [...this.byType.values()].map((h) => ({
      exchange: h.event.exchange,
      routingKey: h.event.routingKey,
    }));
  }
}
