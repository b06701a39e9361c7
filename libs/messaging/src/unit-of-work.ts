import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from './envelope';
import { OutboxWriter, type EventSink } from './outbox';
import type { MessagingTables } from './tables';

export interface Wakeable {
  wake(): void;
}

/** Registers a callback run once the transaction has committed (never on rollback). */
export type AfterCommit = (fn: () => void) => void;

/**
 * Runs business code in one transaction with an event sink writing to the outbox of that same
 * transaction, and wakes the relay once the transaction has committed (never before, and
 * without NOTIFY, which would serialise every commit on a global lock).
 */
export class UnitOfWork<DB extends MessagingTables> {
  private readonly writer: OutboxWriter;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly relay: Wakeable,
    source: string,
  ) {
    this.writer = new OutboxWriter(source);
  }

  /**
   * `afterCommit` callbacks run once the transaction has committed, in order: for waking
   * in-process work that must see the committed rows (a dispatcher, a cache). They must not
   * throw; an error is swallowed, since the commit has happened whatever they do.
   */
  async run<T>(
    fn: (tx: Transaction<DB>, events: EventSink, afterCommit: AfterCommit) => Promise<T>,
    causation?: EventEnvelope,
  ): Promise<T> {
    let emitted = 0;
    const committed: Array<() => void> = [];
    const result = await this.db.transaction().execute((tx) => {
      const sink = this.writer.sink(
        tx as unknown as Transaction<MessagingTables>,
        () => (emitted += 1),
        causation,
      );
      return fn(tx, sink, (cb) => committed.push(cb));
    });
    if (emitted > 0) this.relay.wake();
    for (const cb of committed) {
      try {
        cb();
      } catch {
        /* the commit stands; the callback's own work has a safety net */
      }
    }
    return result;
  }
}
