// Instrumentation of ours from outside, no library change: each function wraps one method
// and records into the recorder that `current()` returns when the call happens.
import { now } from './stats.mjs';

/** The relay's publisher: when each row starts being published, and when it is confirmed. */
export function timePublishes(publisher, current) {
  const publishAll = publisher.publishAll.bind(publisher);
  publisher.publishAll = async (messages) => {
    const t = now();
    const r = current();
    for (const m of messages) {
      const i = r.idx.get(m.options.messageId);
      if (i !== undefined && r.pubStart[i] === 0) r.pubStart[i] = t;
    }
    r.batches.push(messages.length);
    await publishAll(messages);
    const t2 = now();
    r.confirmMs.push(t2 - t);
    for (const m of messages) {
      const i = r.idx.get(m.options.messageId);
      if (i !== undefined && r.confirmed[i] === 0) r.confirmed[i] = t2;
    }
  };
}

/** One relay cycle (claim with SKIP LOCKED, publish with confirms, mark, commit). */
export function timeRelayCycles(relay, current) {
  if (typeof relay.publishBatch !== 'function') return;
  const publishBatch = relay.publishBatch.bind(relay);
  relay.publishBatch = async (limit) => {
    const t = now();
    const sent = await publishBatch(limit);
    if (sent > 0) current().cycles.push(now() - t);
    return sent;
  };
}

/**
 * The consumer's unit of work (inbox + handler, one transaction): its start is when the
 * delivery is being applied, its resolution is right after the consumer's COMMIT.
 */
export function timeConsumerTransactions(uow, current) {
  const run = uow.run.bind(uow);
  uow.run = async (fn, causation) => {
    const r = current();
    const i = causation ? r.idx.get(causation.id) : undefined;
    if (i !== undefined && r.recv[i] === 0) r.recv[i] = now();
    const result = await run(fn, causation);
    if (i !== undefined) {
      if (r.effect[i] === 0) {
        r.effect[i] = now();
        r.effects += 1;
      } else r.duplicates += 1;
    }
    return result;
  };
}
