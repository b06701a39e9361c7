import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from './envelope';
import { OutboxWriter, type EventSink } from './outbox';
import type { MessagingTables } from './tables';

export interface Wakeable {
  wake(): void;
}

/** Told, after a transaction has committed, which events it emitted (never on a rollback). */
export type CommitListener = (events: readonly EventEnvelope[]) => void | Promise<void>;

/**
 * Registers work to run once the transaction has committed (and never when it rolls back): a
 * notification that must not be seen before the data it announces, say. Callbacks run in order
 * and must not throw (an error is swallowed: the commit cannot be undone any more).
 */
export type AfterCommit = (callback: () => void) => void;

/**
 * Runs business code in one transaction with an event sink writing to the outbox of that same
 * transaction, and wakes the relay once the transaction has committed (never before, and
 * without NOTIFY, which would serialise every commit on a global lock).
 */
export class UnitOfWork<DB extends MessagingTables> {
  private readonly writer: OutboxWriter;
  private readonly listeners: CommitListener[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly relay: Wakeable,
    source: string,
  ) {
    this.writer = new OutboxWriter(source);
  }

  /**
   * Calls `listener` after every committed transaction of this unit of work that emitted events
   * (HTTP commands and event handlers alike), with those events: for in-process effects that
   * must follow the commit, such as invalidating a cache. `run` resolves once the listeners
   * have finished, so the caller's next read sees their effects; a listener that fails does not
   * fail the (already committed) transaction, it reports its own errors.
   */
  onCommitted(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  async run<T>(
    fn: (tx: Transaction<DB>, events: EventSink, afterCommit: AfterCommit) => Promise<T>,
    causation?: EventEnvelope,
  ): Promise<T> {
    const emitted: EventEnvelope[] = [];
    const committed: Array<() => void> = [];
    const result = await this.db.transaction().execute((tx) => {
      const sink = this.writer.sink(
        tx as unknown as Transaction<MessagingTables>,
        (envelope) => emitted.push(envelope),
        causation,
      );
      return fn(tx, sink, (callback) => committed.push(callback));
    });
    if (emitted.length > 0) this.relay.wake();
    for (const callback of committed) {
      try {
        callback();
      } catch {
        // Committed already; a callback reports its own failures.
      }
    }
    if (emitted.length > 0 && this.listeners.length > 0)
      await Promise.allSettled(this.listeners.map(async (listener) => listener(emitted)));
    return result;
  }
}
