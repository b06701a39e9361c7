// Ceiling B: raw pg, BEGIN; INSERT order; INSERT outbox; COMMIT from P concurrent clients.
import pg from 'pg';
import { opts } from './cli-args.mjs';
import { onCleanup } from '../common/cleanup.mjs';
import { startCpu } from './cpu.mjs';
import { OrderPlaced, envelopeHeaders, uuidv7 } from './libs.mjs';
import { drive } from './load.mjs';
import { orderData, shopEnvelope } from './order.mjs';
import { latency, now, perSec, timeArrays } from './stats.mjs';

/** The producer's transaction without the library: the order row and its outbox row. */
async function orderTransaction(c, orderId, data, envelope) {
  await c.query('BEGIN');
  await c.query(
    `INSERT INTO orders (id, customer_id, status, item, total_cents, currency)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [orderId, data.customerId, 'PLACED', JSON.stringify(data.item), data.totalCents, data.currency],
  );
  await c.query(
    `INSERT INTO outbox (id, exchange, routing_key, type, subject, aggregate_version, payload, headers, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)`,
    [
      envelope.id,
      OrderPlaced.exchange,
      OrderPlaced.routingKey,
      OrderPlaced.type,
      orderId,
      1,
      JSON.stringify(data),
      JSON.stringify(envelopeHeaders(envelope)),
    ],
  );
  await c.query('COMMIT');
}

export async function setupRawPg(env) {
  const pool = new pg.Pool({ connectionString: env.shopUrl, max: opts.producers });
  onCleanup(() => pool.end());
  return async function run(n, rate) {
    const s = timeArrays(n, 'sched', 'start', 'commit');
    const cpuUntil = startCpu();
    const errors = await drive({
      n,
      rate,
      concurrency: opts.producers,
      sched: s.sched,
      op: async (i) => {
        const orderId = uuidv7();
        const data = orderData(orderId);
        const envelope = shopEnvelope(orderId);
        s.start[i] = now();
        const c = await pool.connect();
        try {
          await orderTransaction(c, orderId, data, envelope);
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          c.release();
        }
        s.commit[i] = now();
      },
    });
    const cpu = cpuUntil(n);
    return {
      events: n,
      errors,
      sustainedPerSec: perSec(s.commit),
      targetRate: rate || null,
      latencyMs: {
        transaction: latency(s.start, s.commit),
        scheduledToCommit: latency(s.sched, s.commit),
        producerLateness: latency(s.sched, s.start),
      },
      cpu,
    };
  };
}
