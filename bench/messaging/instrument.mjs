// Instrumentation of ours. The relay side goes through the relay's own `onBatch` report (a typed
// option of OutboxRelay, covered by its integration test), not through wrappers around its
// private methods: those broke silently when the relay changed. The consumer side wraps the
// unit of work's public `run`. `requireSamples` makes the run fail if any stage measured nothing.
import { now } from './stats.mjs';

/**
 * An `onBatch` for OutboxRelayOptions: when each row started being published and when the
 * broker confirmed it, the batch size, the confirm wait and the whole relay cycle.
 */
export function relayBatchRecorder(current) {
  return (batch) => {
    const r = current();
    for (const id of [...batch.published, ...batch.unroutable]) {
      const i = r.idx.get(id);
      if (i === undefined) continue;
      if (r.pubStart[i] === 0) r.pubStart[i] = batch.publishStartedAt;
      if (r.confirmed[i] === 0) r.confirmed[i] = batch.confirmedAt;
    }
    r.batches.push(batch.published.length + batch.unroutable.length);
    r.confirmMs.push(batch.confirmedAt - batch.publishStartedAt);
    r.cycles.push(batch.committedAt - batch.claimStartedAt);
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

/**
 * Fails loudly when a figure of a mode has no samples: a hook that stopped firing must break
 * the benchmark, not print "—" or "not measured".
 */
export function requireSamples(mode, summary) {
  const figures = {
    ...Object.fromEntries(Object.entries(summary.latencyMs).map(([k, v]) => [`latency ${k}`, v])),
    ...Object.fromEntries(Object.entries(summary.stagesMs).map(([k, v]) => [`stage ${k}`, v])),
    'relay batch size': summary.relay.batchSize,
    'relay confirm wait': summary.relay.confirmWaitMs,
    'relay cycle': summary.relay.cycleMs,
  };
  const empty = Object.entries(figures)
    .filter(([, s]) => !s || !(s.n > 0))
    .map(([name]) => name);
  if (empty.length > 0)
    throw new Error(
      `messaging bench, ${mode} mode: no samples for ${empty.join(', ')} — the instrumentation ` +
        'no longer sees that stage (see bench/messaging/instrument.mjs)',
    );
}
