// What the run ran on, and the versions of what it compared.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { engine } from './libs.mjs';
import { round } from './stats.mjs';

// Read directly: three's package.json is not in its exports map.
const version = (pkg) =>
  JSON.parse(
    readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url), 'utf8'),
  ).version;

export function machineFacts() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim(),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    freeMemoryGiBAtStart: round(os.freemem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((v) => round(v, 2)),
    node: process.version,
    engineVersion: engine.ENGINE_VERSION,
    three: version('three'),
    nodeStl: version('node-stl'),
  };
}
