// The run: each system (ours, then ceiling A, then ceiling B) through the chosen modes.
import { setupRawAmqp } from './ceiling-amqp.mjs';
import { setupRawPg } from './ceiling-pg.mjs';
import { STAGE_EVENTS, TRICKLE, opts } from './cli-args.mjs';
import { requireSamples } from './instrument.mjs';
import { setupOurs, summariseOurs } from './ours.mjs';
import { resetTables } from './setup.mjs';
import { runStages } from './stages.mjs';

/**
 * A warm-up of `warmup(n)` (unrecorded; by default `run(n, 0)`), then `run(n, rate)` per mode,
 * each after `reset()` if given. Returns the results by mode.
 */
async function runModes(name, modes, { run, reset, warmup = (n) => run(n, 0) }) {
  if (opts.warmup) await warmup(opts.warmup);
  const out = {};
  for (const [mode, { n, rate, label }] of modes) {
    await reset?.();
    console.error(`${name}: ${label}…`);
    out[mode] = await run(n, rate);
  }
  return out;
}

/** Runs every system and mode that the options select; the results by system and mode. */
export async function runSystems(env) {
  const results = {};
  const plan = {
    max: { n: opts.events, rate: 0, label: 'max throughput' },
    paced: { n: opts.events, rate: opts.rate, label: `paced ${opts.rate}/s` },
    trickle: { n: TRICKLE.events, rate: TRICKLE.rate, label: `trickle ${TRICKLE.rate}/s` },
  };
  const modes = opts.modes.filter((m) => plan[m]).map((m) => [m, plan[m]]);
  const ceilingModes = modes.filter(([m]) => m !== 'trickle');
  const reset = () => resetTables(env);

  if (opts.only.has('ours')) {
    const ours = await setupOurs(env);
    results.ours = await runModes('ours', modes, {
      warmup: (n) => ours.run(n, 0),
      run: async (n, rate) => {
        const summary = summariseOurs(await ours.run(n, rate), rate);
        requireSamples(`ours ${rate ? `${rate}/s` : 'max'}`, summary);
        return { ...summary, check: await ours.verify() };
      },
      reset,
    });
    await ours.close(); // its relay would otherwise publish ceiling B's outbox rows
  }
  if (opts.only.has('ours') && opts.modes.includes('stages')) {
    await resetTables(env);
    const n = Math.min(opts.events, STAGE_EVENTS);
    console.error(`ours, stage by stage (${n} events)…`);
    results.stages = await runStages(env, n);
  }
  if (opts.only.has('amqp')) {
    const run = await setupRawAmqp(env);
    results.amqp = await runModes('ceiling A (amqplib)', ceilingModes, { run });
  }
  if (opts.only.has('pg')) {
    const run = await setupRawPg(env);
    results.pg = await runModes('ceiling B (pg)', ceilingModes, { run, reset });
  }
  return results;
}
