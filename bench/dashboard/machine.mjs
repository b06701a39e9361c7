// What the run ran on, and how busy the machine was (other people's work included).
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Busy and total jiffies of all CPUs, from /proc/stat. */
function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function cpuMeter() {
  const start = cpuTimes();
  return () => {
    const end = cpuTimes();
    return Math.round((1000 * (end.busy - start.busy)) / Math.max(1, end.total - start.total)) / 10;
  };
}

export async function machineFacts(pool) {
  const cpus = os.cpus();
  const setting = async (s) => (await pool.query(`SHOW ${s}`)).rows[0][s];
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavgAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
    node: process.version,
    postgres: {
      version: await setting('server_version'),
      shared_buffers: await setting('shared_buffers'),
      work_mem: await setting('work_mem'),
    },
  };
}
