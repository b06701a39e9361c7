// The schedule: per size, rounds of one child process per system (the order rotates each
// round, so no system always runs first or last), then the quote timing.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { opts } from './cli-args.mjs';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
export const PROFILE_DIR = fileURLToPath(new URL('../results/profiles/', import.meta.url));
/** Same flags for every child; node-stl needs the larger heap from 2M triangles up. */
const NODE_FLAGS = ['--expose-gc', '--max-old-space-size=16384'];

/** Runs one child job; resolves to its JSON line, or `{ error }` if it failed. */
function runChild(job, extraFlags = []) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...NODE_FLAGS, ...extraFlags, CHILD, JSON.stringify(job)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').at(-1);
      if (code === 0 && line) resolve(JSON.parse(line));
      else resolve({ error: signal ? `killed by ${signal}` : `exit code ${code}` });
    });
  });
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

function profileFlags(system, sizeLabel, rep) {
  if (!opts.cpuProf || system !== 'ours') return [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${PROFILE_DIR}`,
    `--cpu-prof-name=ours-${sizeLabel}M-${rep + 1}.cpuprofile`,
  ];
}

const rate = (mesh, r) =>
  r.ms ? `${((mesh.triangles / r.ms) * 1e-3).toFixed(2)} M triangles/s` : r.error;

/**
 * Every system on one mesh: a cold child each for memory, then `opts.reps` rounds of warm
 * timing children. The results by system: `{ memory, time: [] }`.
 */
export async function runSize(mesh, sizeLabel) {
  const runs = Object.fromEntries(opts.only.map((s) => [s, { time: [] }]));
  const job = (system, mode) => ({
    system,
    mode,
    file: mesh.file,
    warmup: opts.warmup,
    engineDir: opts.engineBefore,
  });
  for (const system of opts.only) {
    const r = await runChild(job(system, 'memory'));
    runs[system].memory = r;
    console.error(
      `  ${sizeLabel}M ${system} memory (cold run): ${r.ms?.toFixed(0) ?? '—'} ms, ${rate(mesh, r)}`,
    );
  }
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const system of rotate(opts.only, rep)) {
      const r = await runChild(job(system, 'time'), profileFlags(system, sizeLabel, rep));
      runs[system].time.push(r);
      console.error(
        `  ${sizeLabel}M ${system} ${rep + 1}/${opts.reps}: ${r.ms?.toFixed(0) ?? '—'} ms, ${rate(mesh, r)}`,
      );
    }
  }
  return runs;
}

/**
 * FIRM and INDICATIVE quotes of one mesh, alternating which mode goes first; with the build in
 * `engineDir` instead of this one when given.
 */
export async function runQuotes(mesh, sizeLabel, engineDir) {
  const runs = [];
  for (let rep = 0; rep < opts.firmReps; rep++) {
    const order = rep % 2 ? ['INDICATIVE', 'FIRM'] : ['FIRM', 'INDICATIVE'];
    const r = await runChild({
      system: 'quote',
      file: mesh.file,
      warmup: Math.min(opts.warmup, 3),
      order,
      engineDir,
    });
    runs.push(r);
    console.error(
      `  ${sizeLabel} quote ${rep + 1}/${opts.firmReps}: FIRM ${r.modes?.FIRM.ms.toFixed(0) ?? r.error} ms, INDICATIVE ${r.modes?.INDICATIVE.ms.toFixed(0) ?? '—'} ms`,
    );
  }
  return runs;
}
