// The goal, per size: ours at least 3× the triangles/s of the faster baseline.
// Printed as PASS/MISS, never asserted.
export const GOAL_SPEED_UP = 3;

const verdict = (v) =>
  v === undefined || v === null ? 'N/A' : v >= GOAL_SPEED_UP ? 'PASS' : 'MISS';

export function goals(sizes) {
  const out = [];
  for (const [label, s] of Object.entries(sizes)) {
    const { speedUp } = s;
    out.push({
      goal: `${label}: ours full analysis >= ${GOAL_SPEED_UP}x the faster baseline`,
      value: speedUp.full ?? null,
      verdict: verdict(speedUp.full),
      detail: speedUp.against
        ? `analyseModel vs ${speedUp.against}, median triangles/s (best runs: ${speedUp.fullBest}x; per CPU-second: ${speedUp.fullCpu}x)`
        : 'no baseline ran',
    });
    if (speedUp.comparable !== undefined)
      out.push({
        goal: `${label}: ours comparable pieces >= ${GOAL_SPEED_UP}x the faster baseline`,
        value: speedUp.comparable,
        verdict: verdict(speedUp.comparable),
        detail: `parse + measure stages of the same runs vs ${speedUp.against} (best runs: ${speedUp.comparableBest}x)`,
      });
  }
  return out;
}
