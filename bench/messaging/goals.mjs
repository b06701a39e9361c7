// The issue's goals, checked on ours: figures with PASS/MISS, never assertions.
import { fmtMs, fmtN } from './format.mjs';

const GOALS = { rate: 1000, p99Ms: 250, wakeP50Ms: 10 };

export function goals(results) {
  const max = results.ours?.max;
  const paced = results.ours?.paced;
  const out = [];
  const check = (goal, value, ok, detail) =>
    out.push({
      goal,
      value,
      verdict: value === undefined || value === null ? 'N/A' : ok ? 'PASS' : 'MISS',
      detail,
    });
  check(
    `sustained >= ${GOALS.rate} events/s`,
    max?.sustainedPerSec,
    max?.sustainedPerSec >= GOALS.rate && max?.drained,
    'ours, max-throughput mode: effects/s over the steady window',
  );
  const atGoalRate = paced?.targetRate === GOALS.rate;
  // Kept up: the schedule was met (steady rate within 2 % of the target) and events did not
  // wait more than the latency budget counted from when they were due (coordinated omission).
  const keptUp =
    paced &&
    paced.drained &&
    paced.sustainedPerSec >= 0.98 * paced.targetRate &&
    paced.latencyMs.scheduledToEffect.p99 < GOALS.p99Ms;
  const fromSchedule =
    paced && `scheduled→effect p99 ${fmtMs(paced.latencyMs.scheduledToEffect.p99)} ms`;
  check(
    `p99 commit→effect < ${GOALS.p99Ms} ms at ${GOALS.rate}/s`,
    atGoalRate ? paced.latencyMs.commitToEffect.p99 : undefined,
    paced?.latencyMs.commitToEffect.p99 < GOALS.p99Ms && keptUp,
    !paced
      ? 'paced mode not run'
      : !atGoalRate
        ? `paced mode ran at ${paced.targetRate}/s, not ${GOALS.rate}/s`
        : keptUp
          ? `ours, paced mode; kept up: ${fmtN(paced.sustainedPerSec)} ev/s, ${fromSchedule}`
          : `ours, paced mode did NOT keep up with the schedule: ${fmtN(paced.sustainedPerSec)} ev/s, ${fromSchedule}`,
  );
  check(
    `relay wake-up p50 < ${GOALS.wakeP50Ms} ms`,
    paced?.stagesMs.wake_commitToPublishStart.p50,
    paced?.stagesMs.wake_commitToPublishStart.p50 < GOALS.wakeP50Ms,
    `ours, paced mode: commit → relay starts publishing the row${results.ours?.trickle ? `; idle relay (trickle) p50 ${fmtMs(results.ours.trickle.stagesMs.wake_commitToPublishStart.p50)} ms` : ''}`,
  );
  return out;
}
