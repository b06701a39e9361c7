// The printed table: one section per mode with the three systems side by side, and the
// stage-by-stage section.
import { TRICKLE } from './cli-args.mjs';
import { fmtCpu, fmtCpuPerEvent, fmtN, lat, p5099, p99max } from './format.mjs';

const W = [36, 30, 28, 26];

export const row = (...cells) =>
  console.log(
    cells
      .map((c, i) => String(c ?? '—').padEnd(W[i] ?? 20))
      .join(' ')
      .trimEnd(),
  );
export const line = () => console.log('-'.repeat(W.reduce((a, b) => a + b + 1, 0)));

export function printColumns() {
  row('', 'ours: outbox→quorum→inbox', 'A: amqplib confirm+ack', 'B: pg order+outbox tx');
  row(
    'latency measured',
    'commit → effect committed',
    'publish → delivered',
    'BEGIN → COMMIT done',
  );
}

function modeTitle(mode, config) {
  return mode === 'max'
    ? `MAX THROUGHPUT (${config.events} events, as fast as producers go)`
    : mode === 'paced'
      ? `PACED ${config.rate}/s (${config.events} events, open-loop schedule)`
      : `TRICKLE ${TRICKLE.rate}/s (${TRICKLE.events} events: idle pipeline, ours only)`;
}

/** One mode: ours (o), ceiling A (a) and ceiling B (b), any of which may be missing. */
export function printMode(mode, config, o, a, b) {
  line();
  row(modeTitle(mode, config));
  row(
    '  sustained rate (steady 10–90 %)',
    o && `${fmtN(o.sustainedPerSec)} ev/s`,
    a && `${fmtN(a.sustainedPerSec)} msg/s`,
    b && `${fmtN(b.sustainedPerSec)} tx/s`,
  );
  row(
    '  producer side rate',
    o && `${fmtN(o.producerCommitsPerSec)} commits/s`,
    a && `${fmtN(a.publishConfirmedPerSec)} confirms/s`,
  );
  row(
    '  latency p50/p90/p99/max ms',
    o && lat(o.latencyMs.commitToEffect),
    a && lat(a.latencyMs.publishToConsume),
    b && lat(b.latencyMs.transaction),
  );
  row(
    '  from scheduled start p99/max ms',
    o && p99max(o.latencyMs.scheduledToEffect),
    a && p99max(a.latencyMs.scheduledToConsume),
    b && p99max(b.latencyMs.scheduledToCommit),
  );
  row(
    '  relay wake-up p50/p99 ms',
    o && p5099(o.stagesMs.wake_commitToPublishStart),
    a && `(confirm ${p5099(a.latencyMs.publishToConfirm)})`,
  );
  row(
    '  producer tx p50/p99 ms',
    o && p5099(o.latencyMs.producerTransaction),
    '',
    b && p5099(b.latencyMs.transaction),
  );
  row(
    '  errors / all delivered',
    o &&
      `${o.errors} / ${o.drained ? 'yes' : `NO (${o.effects})`}${o.check && (o.check.unpublished > 0 || o.check.effectRows !== o.effects) ? ` (rows: ${o.check.unpublished} unpublished, ${o.check.effectRows} effects)` : ''}`,
    a && `${a.errors} / ${a.drained ? 'yes' : `NO (${a.received})`}`,
    b && `${b.errors} / n.a.`,
  );
  row(
    '  CPU ms/event (node/pg/mq/irq)',
    o && fmtCpuPerEvent(o.cpu),
    a && fmtCpuPerEvent(a.cpu),
    b && fmtCpuPerEvent(b.cpu),
  );
  if (mode !== 'trickle')
    row(
      '  CPU-bound rate if alone (bound)',
      o && `${fmtN(o.cpu?.cpuBoundPerSec)} ev/s`,
      a && `${fmtN(a.cpu?.cpuBoundPerSec)} msg/s`,
      b && `${fmtN(b.cpu?.cpuBoundPerSec)} tx/s`,
    );
  for (const [name, r] of [
    ['ours', o],
    ['A', a],
    ['B', b],
  ])
    if (r) row(`  cpu ${name}, % of one core`, fmtCpu(r.cpu));
  if (o) printOursStages(o);
}

function printOursStages(o) {
  const st = o.stagesMs;
  row('  ours, stages p50/p99 ms:');
  row('    commit → relay publishes (wake)', p5099(st.wake_commitToPublishStart));
  row('    publish → broker confirmed', p5099(st.publishStartToConfirmed));
  row('    confirmed → consumer applies', p5099(st.confirmedToConsumerStart));
  row('    consumer tx (inbox + effect)', p5099(st.consumerTransaction));
  row(
    '    relay batch size p50/max',
    `${fmtN(o.relay.batchSize.p50)} / ${fmtN(o.relay.batchSize.max)} (${o.relay.batches} batches)`,
  );
  row('    relay cycle p50/p99 ms', p5099(o.relay.cycleMs));
}

/** The stage-by-stage mode: each stage of ours alone. */
export function printStages(st) {
  line();
  row(`STAGE BY STAGE (ours, each alone on a backlog of ${st.producers?.events} events)`);
  row('', 'events/s', 'CPU ms/event (node/pg/mq/irq)', 'bound if alone / other %');
  for (const [name, label] of [
    ['producers', '  producers: order + outbox tx'],
    ['relay', '  relay: outbox → quorum queue'],
    ['consumer', '  consumer: queue → inbox + effect'],
  ]) {
    const r = st[name];
    if (r)
      row(
        label,
        `${fmtN(r.perSec)}${r.drained ? '' : ' (stalled)'}`,
        fmtCpuPerEvent(r.cpu),
        `${fmtN(r.cpu?.cpuBoundPerSec)} / ${r.cpu?.other}`,
      );
  }
}
