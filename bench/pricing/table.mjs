// The printed table: one section per mesh size with the three systems side by side, then the
// quote timing.

const W = [36, 30, 30, 26];

export const row = (...cells) =>
  console.log(
    cells
      .map((c, i) => String(c ?? '—').padEnd(W[i] ?? 20))
      .join(' ')
      .trimEnd(),
  );
export const line = () => console.log('-'.repeat(W.reduce((a, b) => a + b + 1, 0)));

// Rounds first, so that a tiny negative (retained memory within noise) prints as 0, not -0.
const n = (v, digits = 0) =>
  Number.isFinite(v)
    ? (Math.round(v * 10 ** digits) / 10 ** digits || 0).toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      })
    : '—';
const err = (v) => (v === null || v === undefined ? '—' : v === 0 ? '0' : v.toExponential(1));
const SYSTEM_TITLES = {
  ours: 'ours: analyseModel',
  before: 'ours, --engine-before build',
  three: 'three.js STLLoader + volume',
  nodestl: 'node-stl',
};

export function printColumns(systems) {
  row('', ...systems.map((s) => SYSTEM_TITLES[s]));
}

/** One size: every system's figures in a column. */
export function printSize(label, figures, systems) {
  const { mesh, speedUp } = figures;
  const col = (f) => systems.map((s) => f(figures.systems[s], s));
  line();
  row(
    `${label}: torus ${mesh.n} × ${mesh.m} = ${n(mesh.triangles)} triangles, ${n(mesh.bytes / 1e6, 1)} MB`,
  );
  row('  time median / min ms', ...col((f) => f && `${n(f.ms.median)} / ${n(f.ms.min)}`));
  row(
    '  M triangles/s median (best)',
    ...col((f) => f && `${n(f.mTrianglesPerSec.median, 2)} (${n(f.mTrianglesPerSec.best, 2)})`),
  );
  row('  M triangles per CPU-second (median)', ...col((f) => f && n(f.mTrianglesPerCpuSec, 2)));
  row('  first run in a fresh process ms', ...col((f) => f && n(f.coldMs)));
  row(
    `  speed-up vs ${speedUp.against ?? '—'} median (best)`,
    speedUp.full !== undefined
      ? `${n(speedUp.full, 2)}× (${n(speedUp.fullBest, 2)}×); per CPU-s ${n(speedUp.fullCpu, 2)}×`
      : '—',
  );
  if (speedUp.overBefore !== undefined)
    row(
      '  ours vs the before build (best)',
      `${n(speedUp.overBefore, 2)}× (${n(speedUp.overBeforeBest, 2)}×); per CPU-s ${n(speedUp.overBeforeCpu, 2)}×`,
    );
  const o = figures.systems.ours;
  if (o?.comparable) {
    row(
      '  comparable: parse + measure',
      ...col(
        (f) =>
          f?.comparable &&
          `${n(f.comparable.ms.median)} ms, ${n(f.comparable.mTrianglesPerSec.median, 2)} M/s`,
      ),
    );
    row(
      '    ours vs three, median (best)',
      `${n(speedUp.comparable, 2)}× (${n(speedUp.comparableBest, 2)}×)`,
    );
    row(
      '  stages ms, median',
      ...col(
        (f) =>
          f?.stagesMs &&
          Object.entries(f.stagesMs)
            .map(([s, v]) => `${s.slice(0, 4)} ${n(v)}`)
            .join(' '),
      ),
    );
  }
  row(
    '  peak RSS growth, bytes/triangle',
    ...col(
      (f) => f && `${n(f.bytesPerTriangle.peakRssGrowth)}${f.peakBelowEarlierPeak ? ' (≤)' : ''}`,
    ),
  );
  row('  retained heap, bytes/triangle', ...col((f) => f && n(f.bytesPerTriangle.retained)));
  row(
    '  volume rel. error vs exact',
    ...col((f) => f && err(f.volumeRelError)),
    `(float32 corners alone: ${err((mesh.float32VolumeMm3 - mesh.exactVolumeMm3) / mesh.exactVolumeMm3)})`,
  );
  row(
    '  area rel. error vs exact',
    ...col((f) => f && (f.areaRelError === null ? 'n.a.' : err(f.areaRelError))),
  );
  row(
    '  watertight',
    ...col((f) => f && (f.watertight === null ? 'n.a.' : f.watertight ? 'yes' : 'NO')),
  );
  row(
    '  CPU ms of the run / other load %',
    ...col((f) => f && `${n(f.cpu.ownMs)} / ${n(f.cpu.otherPct)} (max ${n(f.cpu.maxOtherPct)})`),
  );
  const errors = col((f) => f?.errors.length && f.errors.join(', '));
  if (errors.some(Boolean)) row('  failed runs', ...errors.map((e) => e || ''));
}

export function printQuotes(label, q) {
  line();
  row(
    `QUOTE ${label} (${n(q.triangles)} triangles): priceModel on the analysis`,
    'FIRM',
    'INDICATIVE',
  );
  row(
    '  time median / min ms',
    ...['FIRM', 'INDICATIVE'].map((m) => `${n(q[m].ms.median)} / ${n(q[m].ms.min)}`),
  );
  row('  own CPU ms, median', ...['FIRM', 'INDICATIVE'].map((m) => n(q[m].cpuMs)));
  for (const m of ['FIRM', 'INDICATIVE'])
    row(
      `  ${m} stages ms`,
      Object.entries(q[m].stagesMs)
        .map(([s, v]) => `${s} ${n(v)}`)
        .join(' · '),
    );
  row(
    '  total / part time / layers',
    ...['FIRM', 'INDICATIVE'].map(
      (m) => `${n(q[m].totalCents / 100, 2)} EUR / ${n(q[m].partSeconds)} s / ${q[m].layers}`,
    ),
  );
  row('  analyseModel before it, median ms', n(q.analyseMs.median));
  row('  other load %', ...['FIRM', 'INDICATIVE'].map((m) => n(q[m].otherPct)));
}
