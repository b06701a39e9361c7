import type {
  DlqGroup,
  DlqMessageDetail,
  DlqMessageList,
  DlqPurgeResult,
  DlqQueueSummary,
  DlqReplayResult,
} from '@fabflow/contracts';
import {
  describeDeadLetter,
  detailDeadLetter,
  eventTypeOf,
  messageIdOf,
  replayOptions,
} from './dlq-message';
import { DeadLetterBroker, type AmqpConnectionSource } from './dlq-broker';
import { DeadLetterRequestError, ReplayInterruptedError, UnknownQueueError } from './dlq-errors';
import { dlqName } from './topology';

export type { AmqpConnectionSource } from './dlq-broker';

export interface DeadLetterQueuesOptions {
  /** Most messages one call looks at; they are held unacknowledged until it returns. */
  maxScan?: number;
  confirmTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Exactly one of `ids`, `type` or `all: true`. */
export interface ReplaySelection {
  ids?: string[];
  type?: string;
  all?: boolean;
}

export interface ReplayOptions {
  /** Messages per second put back on the main queue (spaced evenly). */
  ratePerSecond?: number;
  /** Most messages one call replays. */
  limit?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lists, inspects, replays and purges the dead-letter queues (`<queue>.dlq`) of the given
 * subscription queues, over AMQP alone (no management plugin). Browsing takes messages with
 * `basic.get` and holds them unacknowledged, so closing the channel puts back every one it
 * keeps: nothing is removed except what a replay has re-published (with a confirm) or a
 * confirmed purge deletes. Operations on one DLQ run one at a time in this process.
 */
export class DeadLetterQueues {
  private readonly broker: DeadLetterBroker;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    source: AmqpConnectionSource,
    readonly queues: readonly string[],
    opts: DeadLetterQueuesOptions = {},
  ) {
    this.broker = new DeadLetterBroker(source, {
      maxScan: opts.maxScan ?? 2000,
      confirmTimeoutMs: opts.confirmTimeoutMs ?? 10_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    });
  }

  /** Depth and the messages grouped by (reason, error), per queue. */
  async summary(queues: readonly string[] = this.queues): Promise<DlqQueueSummary[]> {
    for (const q of queues) this.assertKnown(q);
    const out: DlqQueueSummary[] = [];
    for (const q of queues) out.push(await this.exclusive(q, () => this.summarise(q)));
    return out;
  }

  /** Up to `limit` messages (optionally of one event type), oldest first. */
  list(queue: string, opts: { limit?: number; type?: string } = {}): Promise<DlqMessageList> {
    this.assertKnown(queue);
    const limit = opts.limit ?? 50;
    return this.exclusive(queue, async () => {
      const dlq = dlqName(queue);
      const depth = (await this.broker.depth(dlq)) ?? 0;
      const messages: DlqMessageList['messages'] = [];
      let more = false;
      const scanned = await this.broker.scan(dlq, depth, (msg) => {
        if (opts.type !== undefined && eventTypeOf(msg) !== opts.type) return true;
        if (messages.length < limit) messages.push(describeDeadLetter(msg));
        else more = true;
        return !more;
      });
      return { queue, dlq, depth, scanned, more: more || scanned < depth, messages };
    });
  }

  /** One message with its headers and decoded body, or undefined when it is not in the DLQ. */
  show(queue: string, id: string): Promise<DlqMessageDetail | undefined> {
    this.assertKnown(queue);
    return this.exclusive(queue, async () => {
      const dlq = dlqName(queue);
      let found: DlqMessageDetail | undefined;
      await this.broker.scan(dlq, (await this.broker.depth(dlq)) ?? 0, (msg) => {
        if (messageIdOf(msg) === id) found = detailDeadLetter(msg);
        return found === undefined;
      });
      return found;
    });
  }

  /**
   * Publishes the selected messages back to the main queue (default exchange, routing key =
   * queue) with the same messageId, CloudEvents headers and body and a fresh retry count,
   * paced at `ratePerSecond`, and removes each DLQ copy only after the broker confirmed its
   * replay. Each id is replayed at most once per call; the inbox makes a replay of an event
   * that was already applied a no-op.
   */
  replay(
    queue: string,
    selection: ReplaySelection,
    opts: ReplayOptions = {},
  ): Promise<DlqReplayResult> {
    this.assertKnown(queue);
    const chosen = [
      selection.ids !== undefined && selection.ids.length > 0,
      selection.type !== undefined && selection.type.length > 0,
      selection.all === true,
    ].filter(Boolean).length;
    if (chosen !== 1)
      throw new DeadLetterRequestError(
        'choose exactly one of: ids (a non-empty list), type, or all: true',
      );
    const rate = opts.ratePerSecond ?? 50;
    const limit = opts.limit ?? 1000;
    if (!Number.isFinite(rate) || rate <= 0)
      throw new DeadLetterRequestError('ratePerSecond must be a positive number');
    if (!Number.isInteger(limit) || limit < 1)
      throw new DeadLetterRequestError('limit must be a positive integer');
    return this.exclusive(queue, () => this.replayLocked(queue, selection, rate, limit));
  }

  /** Deletes every message of the DLQ; `confirm` must be the queue name. */
  purge(queue: string, opts: { confirm: string }): Promise<DlqPurgeResult> {
    this.assertKnown(queue);
    if (opts.confirm !== queue)
      throw new DeadLetterRequestError(
        `purging deletes the messages for good: confirm must be the queue name "${queue}"`,
      );
    return this.exclusive(queue, async () => {
      const dlq = dlqName(queue);
      if ((await this.broker.depth(dlq)) === undefined) return { queue, dlq, purged: 0 };
      return { queue, dlq, purged: await this.broker.purge(dlq) };
    });
  }

  private assertKnown(queue: string): void {
    if (!this.queues.includes(queue)) throw new UnknownQueueError(queue, this.queues);
  }

  private async summarise(queue: string): Promise<DlqQueueSummary> {
    const dlq = dlqName(queue);
    const depth = await this.broker.depth(dlq);
    if (depth === undefined)
      return { queue, dlq, exists: false, depth: 0, scanned: 0, truncated: false, groups: [] };
    const groups = new Map<string, DlqGroup & { typeSet: Set<string> }>();
    const scanned = await this.broker.scan(dlq, depth, (msg) => {
      const m = describeDeadLetter(msg);
      const key = JSON.stringify([m.reason, m.error]);
      let g = groups.get(key);
      if (!g) {
        g = {
          reason: m.reason,
          error: m.error ?? '',
          count: 0,
          types: [],
          typeSet: new Set(),
          firstDeadLetteredAt: null,
          lastDeadLetteredAt: null,
        };
        groups.set(key, g);
      }
      g.count += 1;
      if (m.type) g.typeSet.add(m.type);
      const at = m.deadLetteredAt;
      if (at && (!g.firstDeadLetteredAt || at < g.firstDeadLetteredAt)) g.firstDeadLetteredAt = at;
      if (at && (!g.lastDeadLetteredAt || at > g.lastDeadLetteredAt)) g.lastDeadLetteredAt = at;
      return true;
    });
    return {
      queue,
      dlq,
      exists: true,
      depth,
      scanned,
      truncated: scanned < depth,
      groups: [...groups.values()]
        .map(({ typeSet, ...g }) => ({ ...g, types: [...typeSet].sort() }))
        .sort((a, b) => b.count - a.count),
    };
  }

  private async replayLocked(
    queue: string,
    selection: ReplaySelection,
    rate: number,
    limit: number,
  ): Promise<DlqReplayResult> {
    const dlq = dlqName(queue);
    const started = Date.now();
    const depth = (await this.broker.depth(dlq)) ?? 0;
    const wanted = selection.ids ? new Set(selection.ids) : undefined;
    const replayedIds: string[] = [];
    const seen = new Set<string>();
    let replayed = 0;
    let skipped = 0;
    let failure: Error | undefined;
    const spacingMs = 1000 / rate;
    let firstAt: number | undefined;
    let scanned = 0;
    try {
      // Bounded by the depth seen at the start: a replayed message that fails again and
      // comes back to the DLQ during this call is not picked up a second time.
      await this.broker.scan(dlq, depth, async (msg, { ack, publish }) => {
        scanned += 1;
        const id = messageIdOf(msg);
        const selected =
          selection.all === true ||
          (wanted ? id !== undefined && wanted.has(id) : eventTypeOf(msg) === selection.type);
        if (!selected || (id !== undefined && seen.has(id))) {
          skipped += 1;
          return true;
        }
        firstAt ??= Date.now();
        const due = firstAt + replayed * spacingMs - Date.now();
        if (due > 0) await sleep(due);
        await publish(queue, msg.content, replayOptions(msg, new Date()));
        ack(msg);
        replayed += 1;
        if (id !== undefined) {
          seen.add(id);
          replayedIds.push(id);
        }
        // Only wanted ids are ever seen: equal sizes mean every one was found.
        return !(wanted && seen.size === wanted.size) && replayed < limit;
      });
    } catch (err) {
      failure = err as Error;
    }
    const remaining = await this.broker.depth(dlq).then(
      (d) => d ?? 0,
      () => Math.max(0, depth - replayed),
    );
    const notFound = wanted ? [...wanted].filter((id) => !seen.has(id)) : [];
    const result: DlqReplayResult = {
      queue,
      dlq,
      replayed,
      replayedIds,
      notFound,
      skipped,
      remaining,
      truncated: scanned < depth && (wanted === undefined || notFound.length > 0),
      durationMs: Date.now() - started,
    };
    if (failure) {
      throw new ReplayInterruptedError(
        `replay stopped after ${replayed} message(s): ${failure.message}; the rest stay in ${dlq}`,
        result,
      );
    }
    return result;
  }

  /** Runs operations on one DLQ one after another (a browse hides what another one holds). */
  private exclusive<T>(queue: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(queue) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(queue, tail);
    void tail.then(() => {
      if (this.locks.get(queue) === tail) this.locks.delete(queue);
    });
    return run;
  }
}
