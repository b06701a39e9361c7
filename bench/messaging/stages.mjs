// Ours stage by stage: producers, relay and consumer each alone on a backlog.
import amqp from 'amqplib';
import { opts } from './cli-args.mjs';
import { onCleanup } from '../common/cleanup.mjs';
import { startCpu } from './cpu.mjs';
import { OrderPlaced, declareSubscription } from './libs.mjs';
import { drain, drive } from './load.mjs';
import {
  QUEUE,
  RETRY_DELAYS_MS,
  effectHandler,
  placeOrder,
  runtimes,
  waitConnected,
} from './pipeline.mjs';
import { now, round } from './stats.mjs';

/** The subscription's queue, declared before the relay publishes (as the consumer would). */
async function declareQueue(amqpUrl) {
  const conn = await amqp.connect(amqpUrl);
  const ch = await conn.createChannel();
  await declareSubscription(ch, {
    queue: QUEUE,
    bindings: [{ exchange: OrderPlaced.exchange, routingKey: OrderPlaced.routingKey }],
    retryDelaysMs: RETRY_DELAYS_MS,
  });
  await ch.close();
  await conn.close();
}

/**
 * Each stage of ours alone, with the machine to itself, on a backlog of n events: producers
 * commit with no relay running; then the relay publishes the outbox to the (declared, not yet
 * consumed) queue; then the consumer drains the queue. Shows which stage limits the pipeline.
 */
export async function runStages(env, n) {
  const { shop, crm, close } = runtimes(env);
  onCleanup(close);
  const out = {};
  try {
    await declareQueue(env.amqpUrl);

    const stage = async (name, start, done) => {
      const cpuUntil = startCpu();
      const t0 = now();
      const started = start();
      const ok = await drain(n, done);
      await started;
      const ms = now() - t0;
      out[name] = {
        events: n,
        completed: done(),
        drained: ok,
        perSec: round((done() / ms) * 1000, 1),
        cpu: cpuUntil(n),
      };
    };
    let committed = 0;
    console.error('  stage 1: producers only (relay stopped)…');
    await stage(
      'producers',
      () =>
        drive({
          n,
          rate: 0,
          concurrency: opts.producers,
          sched: new Float64Array(n),
          op: () => placeOrder(shop.unitOfWork).then(() => (committed += 1)),
        }),
      () => committed,
    );
    console.error('  stage 2: relay only (outbox backlog → queue, no consumer)…');
    await stage(
      'relay',
      async () => {
        await shop.start();
        await waitConnected(shop);
      },
      () => shop.relay.published,
    );
    console.error('  stage 3: consumer only (queue backlog → inbox + effect)…');
    crm.subscribe(QUEUE, [effectHandler()]);
    await stage(
      'consumer',
      async () => {
        await crm.start();
        await waitConnected(crm);
      },
      () => crm.consumers[0].counts.handled,
    );
  } finally {
    await close();
  }
  return out;
}
