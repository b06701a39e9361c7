import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressThrottle, ProgressTracker, type ProgressState } from './progress-tracker';

const STAGES = [
  'parse',
  'weld',
  'measure',
  'topology',
  'orientation',
  'print-time',
  'pack',
  'cost',
];

/** The engine's progress calls for one pass: each stage 0, 0.5, 1. */
function pass(t: ProgressTracker, stages = STAGES): number[] {
  return stages.flatMap((s) => [0, 0.5, 1].map((f) => t.update(s, f).overall));
}

const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

describe('progress tracker', () => {
  it('goes from 0 to just short of 1 over a FIRM calculation, slicing taking most of it', () => {
    const t = new ProgressTracker('FIRM', false);
    const xs = pass(t);
    assert.ok(nonDecreasing(xs), xs.join(' '));
    assert.equal(xs[0], 0);
    assert.equal(xs.at(-1), 0.99);
    const fresh = new ProgressTracker('FIRM', false);
    const beforeSlicing = fresh.update('orientation', 1).overall;
    const afterSlicing = fresh.update('print-time', 1).overall;
    assert.ok(afterSlicing - beforeSlicing > 0.5, `${beforeSlicing} → ${afterSlicing}`);
  });

  it('never goes down: a late or repeated report of an earlier stage keeps the figure', () => {
    const t = new ProgressTracker('INDICATIVE', false);
    const high = t.update('orientation', 0.5).overall;
    assert.equal(t.update('weld', 0.1).overall, high);
    assert.equal(t.update('unknown-stage', 1).overall, high);
    assert.equal(t.update('orientation', Number.NaN).overall, high);
  });

  it('leaves room for a FIRM pass after an indicative one, and fills it', () => {
    const t = new ProgressTracker('INDICATIVE', true);
    const first = pass(t);
    assert.equal(first.at(-1), 0.6);
    t.upgrade();
    const second = pass(t, ['orientation', 'print-time', 'pack', 'cost']);
    const all = [...first, ...second];
    assert.ok(nonDecreasing(all), all.join(' '));
    assert.equal(second.at(-1), 0.99);
    assert.equal(t.update('print-time', 0.5).mode, 'FIRM');
  });
});

const state = (stage: string, overall: number): ProgressState => ({
  stage,
  fraction: 0,
  overall,
  mode: 'FIRM',
});

describe('progress throttle', () => {
  it('sends the first report at once, then at most one per interval, the newest when due', () => {
    const th = new ProgressThrottle(1000);
    assert.deepEqual(th.offer(state('parse', 0), 0), state('parse', 0));
    assert.equal(
      th.offer(state('weld', 0.1), 100),
      undefined,
      'a stage change within the interval waits',
    );
    assert.equal(th.offer(state('weld', 0.2), 200), undefined);
    assert.equal(th.dueAt, 1000);
    assert.equal(th.due(999), undefined);
    assert.deepEqual(th.due(1000), state('weld', 0.2), 'the newest held state goes out');
    assert.equal(th.dueAt, undefined);
    assert.deepEqual(th.offer(state('measure', 0.3), 2500), state('measure', 0.3));
  });

  it('does not repeat a report that says nothing new', () => {
    const th = new ProgressThrottle(10);
    th.offer(state('print-time', 0.5), 0);
    assert.equal(th.offer(state('print-time', 0.501), 100), undefined);
    assert.equal(th.dueAt, undefined);
    assert.ok(th.offer(state('print-time', 0.51), 200));
  });
});
