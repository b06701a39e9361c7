// Child results → the figures of the report: per size and system, medians and minima.
import { max, median, min, msStats, round, sig } from './stats.mjs';

const mps = (triangles, ms) => round((triangles / ms) * 1e-3, 2); // M triangles/s
const perTriangle = (run, key, triangles) => round(run?.memory?.[key] / triangles, 1);

function systemFigures({ memory, time: runs }, mesh) {
  const ok = runs.filter((r) => !r.error);
  const cold = memory?.error ? undefined : memory;
  const t = mesh.triangles;
  const ms = ok.map((r) => r.ms);
  const out = {
    runs: runs.length,
    errors: [...runs, memory].filter((r) => r?.error).map((r) => r.error),
    ms: msStats(ms),
    mTrianglesPerSec: { median: mps(t, median(ms)), best: mps(t, min(ms)) },
    // Less sensitive to other load than wall time (not to shared caches): triangles per
    // second of this process's CPU time, GC threads included.
    mTrianglesPerCpuSec: mps(t, median(ok.map((r) => r.cpu.cpuMs))),
    // From the cold child: no warm-up garbage for the run to reuse.
    coldMs: round(cold?.ms, 1),
    bytesPerTriangle: {
      peakRssGrowth: perTriangle(cold, 'peakRssGrowth', t),
      retained: perTriangle(cold, 'retained', t),
    },
    peakBelowEarlierPeak: cold?.memory.peakBelowEarlierPeak ?? false,
    volumeMm3: ok[0]?.result.volumeMm3 ?? null,
    volumeRelError: sig((ok[0]?.result.volumeMm3 - mesh.exactVolumeMm3) / mesh.exactVolumeMm3),
    areaRelError: sig((ok[0]?.result.areaMm2 - mesh.exactAreaMm2) / mesh.exactAreaMm2),
    watertight: ok[0]?.result.watertight ?? null,
    consistent: ok.every((r) => r.result.volumeMm3 === ok[0].result.volumeMm3),
    cpu: {
      ownMs: round(median(ok.map((r) => r.cpu.cpuMs)), 1),
      otherPct: round(median(ok.map((r) => r.cpu.other)), 0),
      maxOtherPct: round(max(ok.map((r) => r.cpu.other)), 0),
    },
    raw: { memory, time: runs },
  };
  if (ok[0]?.stagesMs) {
    const stages = Object.keys(ok[0].stagesMs);
    out.stagesMs = Object.fromEntries(
      stages.map((s) => [s, round(median(ok.map((r) => r.stagesMs[s])), 1)]),
    );
    // The pieces that do what the baselines do: read and validate every triangle, bbox
    // (parse), volume, area and bbox of the welded mesh (measure). Weld and topology excluded.
    const comparable = ok.map((r) => r.stagesMs.parse + r.stagesMs.measure);
    out.comparable = {
      stages: ['parse', 'measure'],
      ms: msStats(comparable),
      mTrianglesPerSec: { median: mps(t, median(comparable)), best: mps(t, min(comparable)) },
    };
  }
  return out;
}

/** Figures of one size: each system, and ours' speed-up over the faster baseline. */
export function sizeFigures(mesh, runs) {
  const systems = Object.fromEntries(
    Object.entries(runs).map(([name, r]) => [name, systemFigures(r, mesh)]),
  );
  const baselines = ['three', 'nodestl']
    .filter((b) => systems[b]?.mTrianglesPerSec.median)
    .sort((a, b) => systems[b].mTrianglesPerSec.median - systems[a].mTrianglesPerSec.median);
  const fastest = baselines[0];
  const ours = systems.ours;
  const speedUp = {};
  if (ours && fastest) {
    const base = systems[fastest].mTrianglesPerSec;
    speedUp.against = fastest;
    speedUp.full = round(ours.mTrianglesPerSec.median / base.median, 2);
    speedUp.fullBest = round(ours.mTrianglesPerSec.best / base.best, 2);
    speedUp.fullCpu = round(ours.mTrianglesPerCpuSec / systems[fastest].mTrianglesPerCpuSec, 2);
    if (ours.comparable) {
      speedUp.comparable = round(ours.comparable.mTrianglesPerSec.median / base.median, 2);
      speedUp.comparableBest = round(ours.comparable.mTrianglesPerSec.best / base.best, 2);
    }
  }
  if (ours && systems.before) {
    speedUp.overBefore = round(
      ours.mTrianglesPerSec.median / systems.before.mTrianglesPerSec.median,
      2,
    );
    speedUp.overBeforeBest = round(
      ours.mTrianglesPerSec.best / systems.before.mTrianglesPerSec.best,
      2,
    );
    speedUp.overBeforeCpu = round(ours.mTrianglesPerCpuSec / systems.before.mTrianglesPerCpuSec, 2);
  }
  const { file: _file, ...meshFacts } = mesh;
  return { mesh: meshFacts, systems, speedUp };
}

/** Medians of the quote runs, per mode. */
export function quoteFigures(mesh, runs) {
  const ok = runs.filter((r) => !r.error);
  const mode = (m) => {
    const rs = ok.map((r) => r.modes[m]);
    const stages = Object.keys(rs[0]?.stagesMs ?? {});
    return {
      ms: msStats(rs.map((r) => r.ms)),
      cpuMs: round(median(rs.map((r) => r.cpu.cpuMs)), 0),
      stagesMs: Object.fromEntries(
        stages.map((s) => [s, round(median(rs.map((r) => r.stagesMs[s])), 1)]),
      ),
      totalCents: rs[0]?.totalCents,
      layers: rs[0]?.layers,
      partSeconds: round(rs[0]?.partSeconds, 0),
      review: rs[0]?.review,
      otherPct: round(median(rs.map((r) => r.cpu.other)), 0),
    };
  };
  return {
    triangles: mesh.triangles,
    runs: runs.length,
    errors: runs.filter((r) => r.error).map((r) => r.error),
    analyseMs: msStats(ok.map((r) => r.analyseMs)),
    FIRM: mode('FIRM'),
    INDICATIVE: mode('INDICATIVE'),
    raw: runs,
  };
}
