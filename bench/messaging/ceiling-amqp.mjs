// Ceiling A: raw amqplib, confirm channel → quorum queue → consumer with manual ack.
import { Buffer } from 'node:buffer';
import amqp from 'amqplib';
import { opts } from './cli-args.mjs';
import { onCleanup } from '../common/cleanup.mjs';
import { startCpu } from './cpu.mjs';
import { envelopeHeaders, publishOptions, uuidv7 } from './libs.mjs';
import { drain, openLoop } from './load.mjs';
import { shopEnvelope, orderData } from './order.mjs';
import { latency, now, perSec, timeArrays } from './stats.mjs';

export async function setupRawAmqp(env) {
  const conn = await amqp.connect(env.amqpUrl);
  onCleanup(() => conn.close().catch(() => undefined));
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  const exchange = 'bench.raw.events';
  const queue = 'bench.raw.orders';
  await pub.assertExchange(exchange, 'topic', { durable: true });
  await pub.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await pub.bindQueue(queue, exchange, 'order.placed');
  await sub.prefetch(opts.prefetch);

  let state;
  await sub.consume(queue, (msg) => {
    if (!msg) return;
    const s = state;
    const i = msg.properties.headers?.['x-bench-i'];
    if (s && s.run === msg.properties.headers?.['x-bench-run'] && s.recv[i] === 0) {
      s.recv[i] = now();
      s.received += 1;
    }
    sub.ack(msg);
  });

  // Same body and headers as one of our events: same bytes on the wire.
  const body = Buffer.from(JSON.stringify(orderData(uuidv7())));
  const headers = envelopeHeaders(shopEnvelope(uuidv7()));
  let runNo = 0;

  return async function run(n, rate) {
    const s = {
      run: ++runNo,
      ...timeArrays(n, 'sched', 'pubAt', 'confirmed', 'recv'),
      received: 0,
    };
    state = s;
    const cpuUntil = startCpu();
    let inFlight = 0;
    let freed;
    const maxInFlight = 1000; // bounded unconfirmed window, as any sane publisher keeps
    let nacks = 0;
    const due = openLoop(rate);
    for (let i = 0; i < n; i++) {
      const dueAt = await due(i);
      while (inFlight >= maxInFlight) await new Promise((resolve) => (freed = resolve));
      s.sched[i] = dueAt;
      s.pubAt[i] = now();
      inFlight += 1;
      const ok = pub.publish(
        exchange,
        'order.placed',
        body,
        {
          ...publishOptions(headers),
          messageId: uuidv7(),
          mandatory: true,
          headers: { ...headers, 'x-bench-i': i, 'x-bench-run': s.run },
        },
        (err) => {
          if (err) nacks += 1;
          s.confirmed[i] = now();
          inFlight -= 1;
          freed?.();
        },
      );
      if (!ok) await new Promise((resolve) => pub.once('drain', resolve));
    }
    const drained = await drain(n, () => s.received);
    const cpu = cpuUntil(n);
    return {
      events: n,
      errors: nacks,
      drained,
      received: s.received,
      sustainedPerSec: perSec(s.recv),
      publishConfirmedPerSec: perSec(s.confirmed),
      targetRate: rate || null,
      latencyMs: {
        publishToConsume: latency(s.pubAt, s.recv),
        scheduledToConsume: latency(s.sched, s.recv),
        publishToConfirm: latency(s.pubAt, s.confirmed),
      },
      cpu,
    };
  };
}
