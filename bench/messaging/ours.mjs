// Ours: UnitOfWork → outbox → OutboxRelay + ConfirmPublisher → quorum queue → EventConsumer,
// timed per event from commit to the consumer's committed effect.
import { opts } from './cli-args.mjs';
import { onCleanup } from '../common/cleanup.mjs';
import { startCpu } from './cpu.mjs';
import { relayBatchRecorder, timeConsumerTransactions } from './instrument.mjs';
import { ConfirmPublisher, OutboxRelay } from './libs.mjs';
import { drain, drive } from './load.mjs';
import { QUEUE, effectHandler, logger, placeOrder, runtimes, waitConnected } from './pipeline.mjs';
import { latency, now, perSec, round, summary, timeArrays } from './stats.mjs';

function newRecorder(n) {
  return {
    n,
    idx: new Map(),
    ...timeArrays(
      n,
      'sched',
      'start',
      'commit',
      'pubStart',
      'confirmed',
      'recv',
      'handled',
      'effect',
    ),
    effects: 0,
    duplicates: 0,
    batches: [],
    confirmMs: [],
    cycles: [],
  };
}

/**
 * Variation: more relays on the same outbox (as several service instances would run), each
 * with its own confirm channel; every commit wakes all of them, SKIP LOCKED splits the rows.
 */
function withExtraRelays(shop, shopDb, onBatch) {
  const relays = [shop.relay];
  for (let k = 1; k < opts.relays; k++) {
    const publisher = new ConfirmPublisher(shop.connection, logger);
    relays.push(
      new OutboxRelay(shopDb.db, publisher, logger, {
        pollIntervalMs: opts.pollMs,
        batchSize: opts.batchSize,
        onBatch,
      }),
    );
  }
  if (relays.length > 1) {
    const wake = shop.relay.wake.bind(shop.relay);
    shop.relay.wake = () => {
      wake();
      for (const extra of relays.slice(1)) extra.wake();
    };
  }
  return relays;
}

export async function setupOurs(env) {
  let rec = newRecorder(0);
  const current = () => rec;
  const onBatch = relayBatchRecorder(current);
  const { shopDb, crmDb, shop, crm, close: closeRuntimes } = runtimes(env, { onBatch });
  const close = () => closeRuntimes(relays.slice(1));
  onCleanup(close);

  const relays = withExtraRelays(shop, shopDb, onBatch);
  timeConsumerTransactions(crm.unitOfWork, current);

  crm.subscribe(QUEUE, [
    effectHandler((id) => {
      const i = rec.idx.get(id);
      if (i !== undefined) rec.handled[i] = now(); // inside the handler, before COMMIT
    }),
  ]);
  await crm.start();
  await shop.start();
  for (const extra of relays.slice(1)) extra.start();
  await waitConnected(crm, shop);

  const produce = (r) => async (i) => {
    r.start[i] = now();
    await placeOrder(shop.unitOfWork, (id) => r.idx.set(id, i));
    r.commit[i] = now();
  };

  return {
    close,
    async run(n, rate) {
      rec = newRecorder(n);
      const r = rec;
      const cpuUntil = startCpu();
      const errors = await drive({
        n,
        rate,
        concurrency: opts.producers,
        sched: r.sched,
        op: produce(r),
      });
      const drained = await drain(n - errors, () => r.effects);
      const cpu = cpuUntil(n);
      return { r, errors, drained, cpu };
    },
    async verify() {
      const shopRows = await shopDb.pool.query(
        'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
      );
      const crmRows = await crmDb.pool.query('SELECT count(*)::int AS n FROM effects');
      return { unpublished: shopRows.rows[0].n, effectRows: crmRows.rows[0].n };
    },
  };
}

export function summariseOurs({ r, errors, drained, cpu }, rate) {
  const windowMs = Math.max(...r.effect) - r.sched[0];
  return {
    events: r.n,
    errors,
    drained,
    effects: r.effects,
    duplicates: r.duplicates,
    sustainedPerSec: perSec(r.effect),
    overallPerSec: round((r.effects / windowMs) * 1000, 1),
    producerCommitsPerSec: perSec(r.commit),
    targetRate: rate || null,
    latencyMs: {
      commitToEffect: latency(r.commit, r.effect),
      scheduledToEffect: latency(r.sched, r.effect),
      commitToHandlerInsideTx: latency(r.commit, r.handled),
      producerTransaction: latency(r.start, r.commit),
      producerLateness: latency(r.sched, r.start),
    },
    stagesMs: {
      wake_commitToPublishStart: latency(r.commit, r.pubStart),
      publishStartToConfirmed: latency(r.pubStart, r.confirmed),
      confirmedToConsumerStart: latency(r.confirmed, r.recv),
      consumerTransaction: latency(r.recv, r.effect),
    },
    relay: {
      batches: r.batches.length,
      batchSize: summary(r.batches),
      confirmWaitMs: summary(r.confirmMs),
      cycleMs: summary(r.cycles),
    },
    cpu,
  };
}
