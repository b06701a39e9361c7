import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pricingEngineFixtures, waitFor } from '@fabflow/testing';
import { PricingSystem, TYPES } from './support/pricing-system';

/*
 * The MES side of pricing with real processes (mes-api, pricing-worker), Postgres, Redis,
 * RabbitMQ and an embedded S3 server: QuoteRequested goes into `shop.events` as the shop sends
 * it, QuotePriced / QuoteFailed / QuoteProgressed come out of `mes.events`.
 */
describe('pricing: models priced, bad files failed with a reason (mes-api + worker)', () => {
  let sys: PricingSystem;
  const f = pricingEngineFixtures();

  // A calculation past PRICING_TIMEOUT_MS ends TIMEOUT: a hostile file that held the thread
  // would show as TIMEOUT after a minute, not as the analysis's own typed refusal.
  const TIMEOUT_MS = 60_000;

  before(async () => {
    sys = await PricingSystem.start('pfiles', {
      workerEnv: { PRICING_CONCURRENCY: '2', PRICING_TIMEOUT_MS: String(TIMEOUT_MS) },
    });
  });
  after(async () => {
    await sys?.stop();
  });

  it('prices a binary STL torus and a 3MF sphere: volume within 0.1% of the analytic one, one QuotePriced each', async () => {
    const R = 30;
    const r = 10;
    const torus = await sys.uploadModel(f.toBinaryStl(f.torus(R, r, 256, 128)), 'torus.stl');
    const sphere = await sys.uploadModel(f.to3mf(f.uvSphere(20, 256, 128)), 'sphere.3mf');
    const cases = [
      { file: torus, analytic: 2 * Math.PI ** 2 * R * r * r, format: 'STL_BINARY' },
      { file: sphere, analytic: (4 / 3) * Math.PI * 20 ** 3, format: '3MF' },
    ];
    const quotes = await Promise.all(
      cases.map((c) => sys.requestQuote({ file: c.file, materialId: 'pla-black', quantity: 3 })),
    );
    for (const [i, quoteId] of quotes.entries()) {
      const c = cases[i]!;
      const out = await sys.outcome(quoteId);
      assert.equal(out.type, TYPES.priced, JSON.stringify(out.data));
      const model = out.data.model as { volumeMm3: number; format: string; watertight: boolean };
      const error = Math.abs(model.volumeMm3 / c.analytic - 1);
      console.log(
        `# ${c.format}: volume ${model.volumeMm3.toFixed(1)} mm³ vs analytic ${c.analytic.toFixed(1)} (${(error * 100).toFixed(3)}%)`,
      );
      assert.ok(error < 0.001, `within 0.1% (${(error * 100).toFixed(3)}%)`);
      assert.equal(model.format, c.format);
      assert.equal(model.watertight, true);
      assert.equal(out.data.status, 'READY');
      assert.equal(out.data.quantity, 3);
      assert.equal((out.data.price as { currency: string }).currency, 'EUR');
      assert.ok(((out.data.price as { totalCents: number }).totalCents ?? 0) > 0);
      assert.equal(out.data.priceListVersion, '2026-12-01');
      assert.ok(out.version > 1, 'the MES version of the quote moved past the request');
      const progressed = sys.spy.of(TYPES.progressed, quoteId);
      for (const p of progressed)
        assert.ok(p.version < out.version, 'progress came before the result');
      const [row] = await sys.query<{
        status: string;
        attempts: number;
        version: number;
        result: unknown;
      }>('SELECT status, attempts, version, result FROM pricing_jobs WHERE quote_id = $1', [
        quoteId,
      ]);
      assert.equal(row?.status, 'DONE');
      assert.equal(row?.attempts, 1);
      assert.equal(row?.version, out.version);
      assert.deepEqual(
        (row?.result as { model: unknown }).model,
        out.data.model,
        'the MES keeps the priced model it published',
      );
    }
    // Exactly one result per quote, even with progress events in between.
    for (const q of quotes) assert.equal(sys.spy.of(TYPES.priced, q).length, 1);
  });

  it('answers the same file and parameters from the result cache, without a calculation', async () => {
    const file = await sys.uploadModel(f.toBinaryStl(f.cube(25)), 'cube.stl');
    const first = await sys.outcome(await sys.requestQuote({ file, quantity: 2 }));
    const again = await sys.requestQuote({ file, quantity: 2 });
    const second = await sys.outcome(again);
    assert.equal(second.type, TYPES.priced);
    assert.deepEqual(second.data.price, first.data.price);
    const [row] = await sys.query<{ cache_hit: boolean }>(
      'SELECT cache_hit FROM pricing_jobs WHERE quote_id = $1',
      [again],
    );
    assert.equal(row?.cache_hit, true);
    assert.equal(sys.spy.of(TYPES.progressed, again).length, 0, 'no calculation ran');
    const other = await sys.outcome(await sys.requestQuote({ file, quantity: 3 }));
    assert.notEqual(
      (other.data.price as { totalCents: number }).totalCents,
      (first.data.price as { totalCents: number }).totalCents,
      'another quantity is another key',
    );
  });

  it('fails every malformed file with the engine’s actionable reason, never retried, and stays healthy', async () => {
    const cube = Buffer.from(f.toBinaryStl(f.cube(20)));
    const nan = Buffer.from(cube);
    nan.writeFloatLE(Number.NaN, 84 + 12 + 4);
    const absurd = Buffer.from(cube);
    absurd.writeUInt32LE(0xffffffff, 80);
    const empty = Buffer.alloc(84);
    const ascii = Buffer.from(f.toAsciiStl(f.cube(20)));
    const cases: Array<{ name: string; bytes: Uint8Array; code: string; reason: RegExp }> = [
      {
        name: 'truncated',
        bytes: cube.subarray(0, cube.length - 30),
        code: 'TRUNCATED',
        reason: /truncated.*re-export/i,
      },
      {
        name: 'wrong triangle count',
        bytes: Buffer.concat([cube, Buffer.alloc(50)]),
        code: 'TRIANGLE_COUNT_MISMATCH',
        reason: /does not match its header/,
      },
      {
        name: 'NaN coordinate',
        bytes: nan,
        code: 'NON_FINITE_COORDINATE',
        reason: /Triangle 1 has an invalid coordinate \(NaN\)/,
      },
      {
        name: 'ASCII STL cut inside a keyword',
        bytes: ascii.subarray(0, ascii.indexOf('endloop', 500) + 3),
        code: 'TRUNCATED',
        reason: /ends unexpectedly at line \d+ \(expected endloop\).*cut short/,
      },
      { name: '0 triangles', bytes: empty, code: 'EMPTY_MESH', reason: /no triangles/ },
      {
        name: 'absurd header count',
        bytes: absurd,
        code: 'ABSURD_TRIANGLE_COUNT',
        reason: /4,294,967,295 triangles/,
      },
      {
        name: 'zip bomb 3MF',
        bytes: f.createZip([{ name: '3D/3dmodel.model', data: Buffer.alloc(4 * 1024 * 1024, 32) }]),
        code: 'ZIP_LIMIT_EXCEEDED',
        reason: /zip bomb/,
      },
      {
        name: '3MF with a DTD',
        bytes: f.to3mf(f.cube(10), {
          prolog: '<?xml version="1.0"?><!DOCTYPE model [<!ENTITY a "b">]>',
        }),
        code: 'XML_DTD_FORBIDDEN',
        reason: /DOCTYPE/,
      },
      {
        name: 'not a model',
        bytes: Buffer.from('hello, this is not a 3D model'),
        code: 'UNKNOWN_FORMAT',
        reason: /not a recognised 3D model/,
      },
    ];
    const quotes = new Map<string, (typeof cases)[number]>();
    for (const c of cases)
      quotes.set(
        await sys.requestQuote({ file: await sys.uploadModel(c.bytes, `${c.name}.stl`) }),
        c,
      );
    // A request the engine refuses although the file is fine, and a file that is gone.
    const good = await sys.uploadModel(cube, 'cube.stl');
    quotes.set(await sys.requestQuote({ file: good, materialId: 'unobtainium' }), {
      name: 'unknown material',
      bytes: cube,
      code: 'UNKNOWN_MATERIAL',
      reason: /"unobtainium" is not in price list 2026-12-01\. Choose one of the materials/,
    });
    quotes.set(await sys.requestQuote({ file: { ...good, key: `${good.key}-gone` } }), {
      name: 'file missing',
      bytes: cube,
      code: 'FILE_MISSING',
      reason: /could not be found.*Upload it again/,
    });

    for (const [quoteId, c] of quotes) {
      const out = await sys.outcome(quoteId);
      assert.equal(out.type, TYPES.failed, `${c.name}: ${JSON.stringify(out.data)}`);
      assert.equal(out.data.code, c.code, c.name);
      assert.match(String(out.data.reason), c.reason, c.name);
      console.log(`# ${c.name}: ${String(out.data.code)} — ${String(out.data.reason)}`);
    }
    // Nothing retried: one run each, BullMQ failed them at once, one QuoteFailed each.
    for (const [quoteId, c] of quotes) {
      const [row] = await sys.query<{ status: string; attempts: number; failure_code: string }>(
        'SELECT status, attempts, failure_code FROM pricing_jobs WHERE quote_id = $1',
        [quoteId],
      );
      assert.deepEqual(row, { status: 'FAILED', attempts: 1, failure_code: c.code }, c.name);
      const job = await waitFor(`BullMQ to fail ${c.name}`, async () => {
        const j = await sys.queue().getJob(quoteId);
        return j && (await j.getState()) === 'failed' ? j : undefined;
      });
      assert.equal(job.attemptsMade, 1, `${c.name}: tried once`);
      assert.equal(sys.spy.of(TYPES.failed, quoteId).length, 1);
      assert.equal(sys.spy.of(TYPES.priced, quoteId).length, 0);
    }

    // The worker is still up and prices the next good file.
    assert.equal((await fetch(`${sys.worker.url}/health/ready`)).status, 200);
    const ok = await sys.outcome(
      await sys.requestQuote({ file: await sys.uploadModel(f.toBinaryStl(f.cube(15)), 'ok.stl') }),
    );
    assert.equal(ok.type, TYPES.priced);
    assert.equal(
      await PricingSystem.metric(sys.worker.url, 'fabflow_pricing_runs_total', {
        outcome: 'retried',
      }),
      0,
      'no run was retried',
    );
  });

  it('refuses hostile 3MF files in the analysis with a typed reason, never the timeout, and stays healthy', async () => {
    const cases: Array<{ name: string; bytes: Uint8Array; code: string; reason: RegExp }> = [
      {
        name: 'component bomb, 10^16 real leaves',
        bytes: f.componentBomb('real'),
        code: 'COMPONENT_LIMIT_EXCEEDED',
        reason: /places its meshes more than .* times.*order the quantity/,
      },
      {
        name: 'component bomb, 10^16 empty leaves',
        bytes: f.componentBomb('empty'),
        code: 'EMPTY_MESH',
        reason: /no printable triangles/,
      },
      {
        name: 'component bomb, 10^16 support-only leaves',
        bytes: f.componentBomb('support'),
        code: 'EMPTY_MESH',
        reason: /marked as support/,
      },
      {
        name: 'instancing bomb',
        bytes: f.instancingBomb(),
        code: 'COMPONENT_LIMIT_EXCEEDED',
        reason: /would expand to 6,348,800 triangles/,
      },
      {
        name: 'components nested 40 deep',
        bytes: f.deepNesting(40),
        code: 'COMPONENT_LIMIT_EXCEEDED',
        reason: /40 levels deep/,
      },
      {
        name: 'component cycle',
        bytes: f.componentCycle('through'),
        code: 'COMPONENT_CYCLE',
        reason: /object 2 contains itself \(2 → 3 → 4 → 2\)/,
      },
      {
        name: 'zip that understates a size',
        bytes: f.lyingZip('smaller'),
        code: 'ZIP_CORRUPT',
        reason: /larger than its header says/,
      },
      {
        name: 'zip entries sharing their bytes',
        bytes: f.overlappingEntries(),
        code: 'ZIP_CORRUPT',
        reason: /overlaps/,
      },
      {
        name: 'decompression bomb of many parts',
        bytes: f.decompressionBomb('many-parts'),
        code: 'ZIP_LIMIT_EXCEEDED',
        reason: /would expand to more than .* bytes/,
      },
    ];
    const started = Date.now();
    const quotes = new Map<string, (typeof cases)[number]>();
    for (const c of cases)
      quotes.set(
        await sys.requestQuote({ file: await sys.uploadModel(c.bytes, `${c.name}.3mf`) }),
        c,
      );
    for (const [quoteId, c] of quotes) {
      const out = await sys.outcome(quoteId, TIMEOUT_MS + 30_000);
      assert.equal(out.type, TYPES.failed, `${c.name}: ${JSON.stringify(out.data)}`);
      assert.equal(out.data.code, c.code, c.name);
      assert.match(String(out.data.reason), c.reason, c.name);
      const [row] = await sys.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM pricing_jobs WHERE quote_id = $1',
        [quoteId],
      );
      assert.deepEqual(row, { status: 'FAILED', attempts: 1 }, c.name);
      console.log(`# ${c.name} (${c.bytes.length} bytes): ${c.code} — ${String(out.data.reason)}`);
    }
    console.log(`# ${cases.length} hostile files failed within ${Date.now() - started} ms in all`);
    assert.equal((await fetch(`${sys.worker.url}/health/ready`)).status, 200);
    const ok = await sys.outcome(
      await sys.requestQuote({ file: await sys.uploadModel(f.to3mf(f.cube(15)), 'ok.3mf') }),
    );
    assert.equal(ok.type, TYPES.priced, 'the next good file is priced');
  });

  it('prices what customers’ tools write: a 3MF with meshes in separate parts (Bambu Studio, OrcaSlicer), a hollow part as one body', async () => {
    const production = f.toProduction3mf([
      { triangles: f.cube(10), transform: [1, 0, 0, 0, 1, 0, 0, 0, 1, 128, 128, 0] },
    ]);
    const hollow = [...f.box(20, 20, 20), ...f.invert(f.box(10, 10, 10, [5, 5, 5]))];
    const cases = [
      { name: 'production 3MF', bytes: production, volume: 1000, reasons: [] },
      { name: 'hollow box', bytes: f.toBinaryStl(hollow), volume: 7000, reasons: [] },
    ];
    for (const c of cases) {
      const out = await sys.outcome(
        await sys.requestQuote({ file: await sys.uploadModel(c.bytes, c.name), mode: 'FIRM' }),
      );
      assert.equal(out.type, TYPES.priced, `${c.name}: ${JSON.stringify(out.data)}`);
      assert.equal((out.data.model as { volumeMm3: number }).volumeMm3, c.volume, c.name);
      const reasons = out.data.reviewReasons as Array<{ code: string }>;
      assert.deepEqual(
        reasons.map((r) => r.code),
        c.reasons,
        c.name,
      );
    }
  });

  it('prices an open mesh as the engine decides: a price, held for review (NEEDS_REVIEW, NOT_WATERTIGHT)', async () => {
    const open = f.cube(20).slice(2); // one face missing
    const out = await sys.outcome(
      await sys.requestQuote({ file: await sys.uploadModel(f.toBinaryStl(open), 'open.stl') }),
    );
    assert.equal(out.type, TYPES.priced, JSON.stringify(out.data));
    assert.equal(out.data.status, 'NEEDS_REVIEW');
    const reasons = out.data.reviewReasons as Array<{ code: string; message: string }>;
    assert.deepEqual(
      reasons.map((x) => x.code),
      ['NOT_WATERTIGHT'],
    );
    assert.match(reasons[0]!.message, /not closed/);
    assert.equal((out.data.model as { watertight: boolean }).watertight, false);
  });
});
