// Ours, wired as the services wire it: a shop side (UnitOfWork → outbox → OutboxRelay +
// ConfirmPublisher) and a crm side (quorum queue → EventConsumer → inbox + effect), each
// with its own database and MessagingRuntime.
import { setTimeout as sleep } from 'node:timers/promises';
import { opts } from './cli-args.mjs';
import {
  EVENT_CATALOGUE,
  MessagingRuntime,
  OrderPlaced,
  createDatabase,
  createLogger,
  uuidv7,
} from './libs.mjs';
import { orderData } from './order.mjs';

export const QUEUE = 'bench.crm.orders';
export const RETRY_DELAYS_MS = [1000, 5000, 25000];

export const logger = createLogger({
  service: 'bench',
  level: opts.logLevel,
  destination: process.stderr,
});

/** The business write: an order row and its OrderPlaced outbox row, in one unit of work. */
export function placeOrder(unitOfWork, onEmitted) {
  const orderId = uuidv7();
  const data = orderData(orderId);
  return unitOfWork.run(async (tx, events) => {
    await tx
      .insertInto('orders')
      .values({
        id: orderId,
        customer_id: data.customerId,
        status: 'PLACED',
        item: JSON.stringify(data.item),
        total_cents: data.totalCents,
        currency: data.currency,
      })
      .execute();
    const envelope = await events.emit(OrderPlaced, data, { subject: orderId, version: 1 });
    onEmitted?.(envelope.id);
  });
}

/** The consumer's handler: one effect row, in the inbox transaction. */
export const effectHandler = (onHandled) => ({
  event: OrderPlaced,
  async handle({ tx }, e) {
    await tx.insertInto('effects').values({ order_id: e.data.orderId, event_id: e.id }).execute();
    onHandled?.(e.id);
  },
});

/**
 * The shop (publisher) and crm (consumer) sides, wired by MessagingRuntime as services do; the
 * shop's relay with the bench's batch size and `onBatch` (its timing report), if given.
 */
export function runtimes(env, { onBatch } = {}) {
  const shopDb = createDatabase(env.shopUrl, { max: opts.pool, applicationName: 'bench-shop' });
  const crmDb = createDatabase(env.crmUrl, { max: opts.pool, applicationName: 'bench-crm' });
  const common = {
    urls: [env.amqpUrl],
    logger,
    catalogue: EVENT_CATALOGUE,
    outboxPollMs: opts.pollMs,
    prefetch: opts.prefetch,
    retryDelaysMs: RETRY_DELAYS_MS,
  };
  const shop = new MessagingRuntime({
    ...common,
    service: 'shop',
    db: shopDb.db,
    relay: { batchSize: opts.batchSize, onBatch },
  });
  const crm = new MessagingRuntime({ ...common, service: 'crm', db: crmDb.db });
  let closed = false;
  const close = async (extraRelays = []) => {
    if (closed) return;
    closed = true;
    await crm.stop(2000); // consumers drain first, then the relays stop
    for (const extra of extraRelays) await extra.stop();
    await shop.stop(2000);
    await Promise.all([shopDb.close(), crmDb.close()]);
  };
  return { shopDb, crmDb, shop, crm, close };
}

export async function waitConnected(...rts) {
  const deadline = Date.now() + 15_000;
  while (!rts.every((rt) => rt.connection.connected)) {
    if (Date.now() > deadline) throw new Error('broker connection not up after 15 s');
    await sleep(20);
  }
}
