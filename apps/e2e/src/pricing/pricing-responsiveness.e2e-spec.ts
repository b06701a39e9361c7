import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, sphereStl, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './support/pricing-system';

/** ≈ 2 M triangles (100 MB), priced FIRM: the longest calculation this suite runs. */
const SEGMENTS = 1000;
const BASELINE_MS = 5000;

interface Probe {
  at: number;
  ms: number;
  status: number;
}

/** Requests `GET <url>/health/live` back to back (20 ms apart) until stopped. */
function probe(url: string): { samples: Probe[]; stop(): Promise<void> } {
  const samples: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      let status = 0;
      try {
        const res = await fetch(`${url}/health/live`);
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = -1;
      }
      samples.push({ at: Date.now(), ms: performance.now() - t, status });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

describe('pricing responsiveness: APIs keep answering while a long FIRM calculation runs', () => {
  let sys: PricingSystem;

  before(async () => {
    sys = await PricingSystem.start('plag', { workerEnv: { PRICING_CONCURRENCY: '1' } });
  });
  after(async () => {
    await sys?.stop();
  });

  it('measures the event-loop lag of mes-api and the worker during the calculation (printed, written to test-results)', async () => {
    const bytes = sphereStl(50, SEGMENTS, SEGMENTS);
    const triangles = bytes.readUInt32LE(80);
    const file = await sys.uploadModel(bytes, 'big-sphere.stl');
    const mes = sys.mes[0]!;

    const probes = { mes: probe(mes.url), worker: probe(sys.worker.url) };
    // Each scrape gives a process's event-loop lag since its previous scrape (prom-client resets
    // the histogram), so the scrapes below cut the run into periods: a baseline with nothing
    // running (the machine is shared: its own noise), the S3 read of the file by the worker,
    // and the calculation itself.
    const lag = (m: (series: string) => number) => ({
      eventLoopLagP99Ms: round(m('nodejs_eventloop_lag_p99_seconds') * 1000),
      eventLoopLagMaxMs: round(m('nodejs_eventloop_lag_max_seconds') * 1000),
    });
    const [mesBefore, workerBefore] = await Promise.all([
      PricingSystem.scrape(mes.url),
      PricingSystem.scrape(sys.worker.url),
    ]);
    const baselineFrom = Date.now();
    await new Promise((r) => setTimeout(r, BASELINE_MS));
    const [mesBaseline, workerBaseline] = await Promise.all([
      PricingSystem.scrape(mes.url),
      PricingSystem.scrape(sys.worker.url),
    ]);
    const baselineTo = Date.now();

    const quoteId = await sys.requestQuote({ file, materialId: 'resin-grey', mode: 'FIRM' });
    const started = await waitFor(
      'the calculation to start',
      () => sys.spy.of(TYPES.progressed, quoteId)[0],
      60_000,
    );
    const workerAtStart = await PricingSystem.scrape(sys.worker.url);
    const out = await sys.outcome(quoteId, 180_000);
    const [mesRun, workerRun] = await Promise.all([
      PricingSystem.scrape(mes.url),
      PricingSystem.scrape(sys.worker.url),
    ]);
    await Promise.all([probes.mes.stop(), probes.worker.stop()]);
    assert.equal(out.type, TYPES.priced, JSON.stringify(out.data));
    const from = Date.parse(started.time);
    const to = Date.parse(out.time);
    const gc = (after: (s: string) => number, before: (s: string) => number) =>
      round(
        (after('nodejs_gc_duration_seconds_sum') - before('nodejs_gc_duration_seconds_sum')) * 1000,
      );

    const probeFigures = (name: 'mes' | 'worker', start: number, end: number) => {
      const during = probes[name].samples.filter((s) => s.at >= start && s.at <= end);
      assert.ok(during.length > 0, `${name} answered in [${start}, ${end}]`);
      const ms = during.map((s) => s.ms);
      return {
        probes: during.length,
        probeP50Ms: round(percentile(ms, 50)),
        probeP99Ms: round(percentile(ms, 99)),
        probeMaxMs: round(Math.max(...ms)),
      };
    };
    for (const name of ['mes', 'worker'] as const)
      assert.ok(
        probes[name].samples.every((s) => s.status === 200),
        `${name}: every probe answered 200`,
      );
    const figures = {
      triangles,
      fileBytes: bytes.length,
      mode: out.data.mode,
      calculationSeconds: round((to - from) / 1000),
      loadAverage: loadavg().map(round),
      cpus: cpus().length,
      baseline: {
        seconds: round((baselineTo - baselineFrom) / 1000),
        mesApi: {
          ...probeFigures('mes', baselineFrom, baselineTo),
          ...lag(mesBaseline),
          gcMs: gc(mesBaseline, mesBefore),
        },
        worker: {
          ...probeFigures('worker', baselineFrom, baselineTo),
          ...lag(workerBaseline),
          gcMs: gc(workerBaseline, workerBefore),
        },
      },
      /** mes-api: from the baseline's end to the result; the worker: its S3 read and hand-over. */
      untilCalculation: {
        worker: { ...lag(workerAtStart), gcMs: gc(workerAtStart, workerBaseline) },
      },
      duringCalculation: {
        mesApi: { ...probeFigures('mes', from, to), ...lag(mesRun), gcMs: gc(mesRun, mesBaseline) },
        worker: {
          ...probeFigures('worker', from, to),
          ...lag(workerRun),
          gcMs: gc(workerRun, workerAtStart),
        },
      },
      workerThreadsBusyAtStart: workerAtStart('fabflow_pricing_threads', { state: 'busy' }),
    };
    // The calculation ran on a worker thread, not on the worker's event loop.
    assert.equal(figures.workerThreadsBusyAtStart, 1, 'a calculation thread was busy');
    const d = figures.duringCalculation;
    const base = figures.baseline;
    console.log(
      `# ${triangles.toLocaleString('en-US')} triangles FIRM in ${figures.calculationSeconds} s (load average ${figures.loadAverage.join(' ')} on ${figures.cpus} CPUs): ` +
        `mes-api event-loop lag p99 ${d.mesApi.eventLoopLagP99Ms} ms (baseline ${base.mesApi.eventLoopLagP99Ms}), /health/live p99 ${d.mesApi.probeP99Ms} ms (baseline ${base.mesApi.probeP99Ms}, ${d.mesApi.probes} probes); ` +
        `worker event-loop lag p99 ${d.worker.eventLoopLagP99Ms} ms (baseline ${base.worker.eventLoopLagP99Ms}; ${figures.untilCalculation.worker.eventLoopLagP99Ms} while reading the file from S3), /health/live p99 ${d.worker.probeP99Ms} ms (baseline ${base.worker.probeP99Ms}, ${d.worker.probes} probes)`,
    );
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'test-results', 'pricing-event-loop-lag.json'),
      JSON.stringify(figures, null, 2),
    );
  });
});
