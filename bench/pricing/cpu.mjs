// CPU accounting from /proc around a measured run: the machine's busy time split into this
// process (the measured child: every thread, GC helpers included) and everything else. The
// parent sits idle in waitpid meanwhile, so "other" is other people's load on the machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

function sample() {
  const j = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    t: performance.now(),
    total: j.reduce((a, b) => a + b, 0),
    idle: j[3] + (j[4] ?? 0),
    steal: j[7] ?? 0,
    self: Number(rest[11]) + Number(rest[12]), // utime + stime, clock ticks
    usage: process.cpuUsage(),
  };
}

const pct = (v) => Math.round(v * 10) / 10;

/**
 * Starts the accounting; the function it returns gives, in % of one core (200 = both cores of
 * a 2-core machine): `self` (this process), `other` (busy minus self and steal), `steal`,
 * `idle`, and this process's CPU milliseconds (from getrusage, µs resolution). /proc counts
 * in 10 ms ticks, so the split of a run shorter than ~0.2 s is coarse.
 */
export function startCpu() {
  const a = sample();
  return () => {
    const b = sample();
    const dTotal = b.total - a.total;
    const cores = os.cpus().length;
    const cpuMs = (b.usage.user - a.usage.user + b.usage.system - a.usage.system) / 1000;
    if (dTotal <= 0) return { cpuMs, ticks: 0 };
    const scale = (cores * 100) / dTotal;
    const busy = (dTotal - (b.idle - a.idle)) * scale;
    const self = (b.self - a.self) * scale;
    const steal = (b.steal - a.steal) * scale;
    return {
      cpuMs,
      self: pct(self),
      other: pct(Math.max(0, busy - self - steal)),
      steal: pct(steal),
      idle: pct(cores * 100 - busy),
      seconds: Math.round(b.t - a.t) / 1000,
    };
  };
}
