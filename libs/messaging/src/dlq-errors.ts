import type { DlqReplayResult } from '@fabflow/contracts';

/** The queue is not one of the subscriptions this caller manages. */
export class UnknownQueueError extends Error {
  constructor(
    readonly queue: string,
    readonly known: readonly string[],
  ) {
    super(`unknown queue "${queue}"; known queues: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownQueueError';
  }
}

/** A request the tooling refuses (no selector, two selectors, purge not confirmed, bad rate). */
export class DeadLetterRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLetterRequestError';
  }
}

export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** A replay stopped part-way (broker gone, nack, timeout); `result` says what was replayed. */
export class ReplayInterruptedError extends Error {
  constructor(
    message: string,
    readonly result: DlqReplayResult,
  ) {
    super(message);
    this.name = 'ReplayInterruptedError';
  }
}
