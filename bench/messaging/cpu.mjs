// CPU accounting from /proc: who used the two cores during a phase.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { now, round } from './stats.mjs';

/** Set once the databases exist: Postgres backends of other databases count as `other`. */
export const cpuScope = { databases: new Set(), brokerPid: undefined };

/** The RabbitMQ node listening on the AMQP port (other nodes on the machine count as `other`). */
export function findBrokerPid(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A') inodes.add(`socket:[${f[9]}]`);
    }
  }
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(beam.smp)')) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`))
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
    } catch {
      // not ours to read, or gone
    }
  }
  return undefined;
}

function groupOf(pid, comm) {
  if (Number(pid) === process.pid) return 'node';
  if (comm === 'postgres') {
    let title = '';
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return 'postgres';
    }
    // A client backend's title is "postgres: <cluster>: <user> <database> <client> <state>";
    // server processes (walwriter, checkpointer…) serve everyone and count as ours.
    const m =
      /^postgres: [^:]+: (\S+) (\S+) \S*\(\d+\)|^postgres: [^:]+: (\S+) (\S+) \[local\]/.exec(
        title,
      );
    const db = m?.[2] ?? m?.[4];
    return !db || cpuScope.databases.has(db) ? 'postgres' : 'other';
  }
  if (comm === 'beam.smp')
    return !cpuScope.brokerPid || pid === cpuScope.brokerPid ? 'rabbitmq' : 'other';
  return 'other';
}

function cpuSample() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal …
  const j = fields.slice(1).map(Number);
  const total = j.reduce((a, b) => a + b, 0);
  const idle = j[3] + (j[4] ?? 0);
  const irq = (j[5] ?? 0) + (j[6] ?? 0);
  const steal = j[7] ?? 0;
  const procs = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat.slice(close + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]); // utime + stime
    procs.set(pid, { group: groupOf(pid, comm), ticks });
  }
  return { t: now(), total, idle, irq, steal, procs, elu: performance.eventLoopUtilization() };
}

/**
 * CPU per group in % of one core (200 % = both cores busy), the same as CPU milliseconds per
 * event, and the bench's event-loop utilisation. `irq` is interrupt and softirq time (the
 * loopback network stack runs much of its work there), `steal` the hypervisor's share, and
 * `other` everything else: other people's processes, other databases and broker nodes. A high
 * `other` means a noisy run.
 */
function cpuBetween(a, b, events) {
  const dTotal = b.total - a.total;
  if (dTotal <= 0) return undefined;
  const scale = (os.cpus().length * 100) / dTotal;
  const groups = { node: 0, postgres: 0, rabbitmq: 0, other: 0 };
  for (const [pid, p] of b.procs) groups[p.group] += p.ticks - (a.procs.get(pid)?.ticks ?? 0);
  const busy = (dTotal - (b.idle - a.idle)) * scale;
  const out = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, round(v * scale, 0)]));
  out.irq = round((b.irq - a.irq) * scale, 0);
  out.steal = round((b.steal - a.steal) * scale, 0);
  out.other = round(
    Math.max(0, busy - out.node - out.postgres - out.rabbitmq - out.irq - out.steal),
    0,
  );
  out.busy = round(busy, 0);
  out.idle = round(os.cpus().length * 100 - busy, 0);
  out.nodeEventLoopUtilisation = round(
    performance.eventLoopUtilization(b.elu, a.elu).utilization,
    2,
  );
  out.seconds = round((b.t - a.t) / 1000, 2);
  // CPU ms per event = % of a core × seconds × 10 / events.
  out.cpuMsPerEvent = Object.fromEntries(
    ['node', 'postgres', 'rabbitmq', 'irq'].map((k) => [
      k,
      round((out[k] * out.seconds * 10) / events, 3),
    ]),
  );
  out.cpuMsPerEvent.total = round(
    out.cpuMsPerEvent.node +
      out.cpuMsPerEvent.postgres +
      out.cpuMsPerEvent.rabbitmq +
      out.cpuMsPerEvent.irq,
    3,
  );
  // What these costs allow with the machine to ourselves: all cores for the total, and one
  // core for the bench process (one event loop). An upper bound, not a measurement.
  out.cpuBoundPerSec = round(
    Math.min(
      (os.cpus().length * 1000) / out.cpuMsPerEvent.total,
      1000 / Math.max(out.cpuMsPerEvent.node, 1e-6),
    ),
    0,
  );
  return out;
}

/**
 * Samples the CPU now; the function it returns samples again and gives the CPU used in
 * between (see cpuBetween), per event for `events` events.
 */
export function startCpu() {
  const start = cpuSample();
  return (events) => cpuBetween(start, cpuSample(), events);
}
