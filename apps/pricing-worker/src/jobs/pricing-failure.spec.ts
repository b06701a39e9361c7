import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyseModel,
  priceModel,
  toEngineErrorInfo,
  type PriceList,
} from '@fabflow/pricing-engine';
import { pricingEngineFixtures } from '@fabflow/testing';
import { EngineCrashed, EngineRejected, EngineTimeout } from '../engine/engine-pool';
import { decideFailure, PricingJobRejected } from './pricing-failure';

const f = pricingEngineFixtures();

/** What the calculation thread sends back when the engine throws. */
function rejected(run: () => unknown): EngineRejected {
  try {
    run();
  } catch (err) {
    const info = toEngineErrorInfo(err);
    assert.ok(info, 'an engine error');
    return new EngineRejected(info);
  }
  assert.fail('the engine did not throw');
}

const TIMEOUT = 30 * 60_000;

describe('pricing failure decisions', () => {
  it('fails a bad file for good with the engine’s customer message', () => {
    const cube = f.toBinaryStl(f.cube(10));
    const err = rejected(() => analyseModel(cube.subarray(0, cube.length - 10)));
    assert.deepEqual(decideFailure(err, TIMEOUT), {
      final: true,
      code: 'TRUNCATED',
      reason: err.info.message,
      internal: false,
    });
    assert.match(err.info.message, /truncated/);
  });

  it('tells the customer what to do about a material that is not on offer', () => {
    const err = rejected(() =>
      priceModel(f.toBinaryStl(f.cube(10)), {
        materialId: 'gold',
        quantity: 1,
        leadTime: 'STANDARD',
        mode: 'INDICATIVE',
        machines: f.sampleMachines() as never,
        priceList: f.samplePriceList() as unknown as PriceList,
      }),
    );
    const d = decideFailure(err, TIMEOUT);
    assert.equal(d.final, true);
    assert.ok(d.final && d.code === 'UNKNOWN_MATERIAL' && !d.internal);
    assert.match(
      d.final ? d.reason : '',
      /"gold" is not in price list .*Choose one of the materials/,
    );
  });

  it('does not blame the customer for a broken price list, and does not retry it either', () => {
    const err = rejected(() =>
      priceModel(f.toBinaryStl(f.cube(10)), {
        materialId: 'pla-black',
        quantity: 1,
        leadTime: 'STANDARD',
        mode: 'INDICATIVE',
        machines: [],
        priceList: { version: 'broken' } as unknown as PriceList,
      }),
    );
    const d = decideFailure(err, TIMEOUT);
    assert.ok(d.final && d.code === 'INVALID_PRICE_LIST' && d.internal);
    assert.match(d.final ? d.reason : '', /problem on our side/);
  });

  it('fails a timeout (TIMEOUT) and a model too big for a thread (TOO_COMPLEX) without retrying', () => {
    const t = decideFailure(new EngineTimeout(TIMEOUT), TIMEOUT);
    assert.ok(t.final && t.code === 'TIMEOUT');
    assert.match(t.final ? t.reason : '', /longer than 30 minutes.*Simplify the model/);
    const short = decideFailure(new EngineTimeout(45_000), 45_000);
    assert.match(short.final ? short.reason : '', /longer than 45 seconds/);
    const oom = decideFailure(new EngineCrashed('out of memory', true), TIMEOUT);
    assert.ok(oom.final && oom.code === 'TOO_COMPLEX');
    const gone = decideFailure(new PricingJobRejected('FILE_MISSING', 'upload again'), TIMEOUT);
    assert.deepEqual(gone, {
      final: true,
      code: 'FILE_MISSING',
      reason: 'upload again',
      internal: false,
    });
  });

  it('retries what may pass next time: a crashed thread, S3 or the database', () => {
    assert.deepEqual(decideFailure(new EngineCrashed('exited with 1', false), TIMEOUT), {
      final: false,
    });
    assert.deepEqual(decideFailure(new Error('connect ECONNREFUSED'), TIMEOUT), { final: false });
  });
});
