import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { priceModel, type Machine, type PriceList } from '@fabflow/pricing-engine';
import { createLogger } from '@fabflow/observability';
import { pricingEngineFixtures, sphereStl } from '@fabflow/testing';
import { EnginePool, EngineRejected, EngineTimeout } from './engine-pool';
import type { EngineTask, ThreadMessage } from './engine-task';

const f = pricingEngineFixtures();
const machines = f.sampleMachines() as unknown as Machine[];
const priceList = f.samplePriceList() as unknown as PriceList;

function task(bytes: Uint8Array, extra: Partial<EngineTask> = {}): EngineTask {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return {
    bytes: copy,
    unit: 'mm',
    materialId: 'pla-black',
    quantity: 1,
    leadTime: 'STANDARD',
    mode: 'INDICATIVE',
    machines,
    priceList,
    ...extra,
  };
}

describe('engine pool (worker threads)', () => {
  const pool = new EnginePool({
    size: 1,
    maxHeapMb: 512,
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  after(() => pool.close());

  it('prices in a thread: the bytes are transferred, progress and stage timings stream back', async () => {
    const stl = f.toBinaryStl(f.cube(20));
    const t = task(stl, { mode: 'FIRM' });
    const messages: ThreadMessage[] = [];
    const outcome = await pool.run(t, { timeoutMs: 30_000, onMessage: (m) => messages.push(m) });
    assert.equal(t.bytes.byteLength, 0, 'transferred, not copied: the caller’s buffer is detached');
    const direct = priceModel(stl, {
      materialId: 'pla-black',
      quantity: 1,
      leadTime: 'STANDARD',
      mode: 'FIRM',
      machines,
      priceList,
    });
    assert.equal(outcome.firm?.cost.total, direct.cost.total);
    assert.equal(outcome.indicative, undefined);
    const stages = messages.filter((m) => m.type === 'stage').map((m) => m.stage);
    assert.deepEqual(stages, [
      'parse',
      'weld',
      'measure',
      'topology',
      'orientation',
      'print-time',
      'pack',
      'cost',
    ]);
    assert.ok(messages.some((m) => m.type === 'progress' && m.stage === 'print-time'));
  });

  it('prices FIRM as well when the indicative total is above the threshold (an upgrade)', async () => {
    const messages: ThreadMessage[] = [];
    const outcome = await pool.run(task(f.toBinaryStl(f.cube(20)), { firmAboveCents: 0 }), {
      timeoutMs: 30_000,
      onMessage: (m) => messages.push(m),
    });
    assert.ok(outcome.indicative && outcome.firm);
    assert.ok(messages.some((m) => m.type === 'upgrade'));
    const below = await pool.run(task(f.toBinaryStl(f.cube(20)), { firmAboveCents: 10 ** 9 }), {
      timeoutMs: 30_000,
    });
    assert.ok(below.indicative && !below.firm);
  });

  it('passes the engine’s rejection of a bad file on as plain data', async () => {
    await assert.rejects(
      pool.run(task(new Uint8Array(84)), { timeoutMs: 30_000 }),
      (err: unknown) => err instanceof EngineRejected && err.info.code === 'EMPTY_MESH',
    );
  });

  it('terminates a calculation past its time limit and carries on with a fresh thread', async () => {
    const big = sphereStl(50, 400, 400);
    await assert.rejects(
      pool.run(task(big, { mode: 'FIRM' }), { timeoutMs: 20 }),
      (err: unknown) => err instanceof EngineTimeout,
    );
    const next = await pool.run(task(f.toBinaryStl(f.cube(10))), { timeoutMs: 30_000 });
    assert.ok(next.indicative, 'the replacement thread prices');
    assert.equal(pool.busy, 0);
  });

  it('aborts a calculation when its job is given up (lock lost)', async () => {
    const ac = new AbortController();
    const running = pool.run(task(sphereStl(50, 400, 400), { mode: 'FIRM' }), {
      timeoutMs: 60_000,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(running, /aborted/);
    assert.ok((await pool.run(task(f.toBinaryStl(f.cube(10))), { timeoutMs: 30_000 })).indicative);
  });
});
