// Entry point of a calculation thread: runs the pricing engine on the bytes it is given and posts
// progress, stage timings and the result back. Only this thread ever runs the engine, so a long
// calculation never blocks the worker's event loop (BullMQ lock renewal, metrics, health).
import { parentPort } from 'node:worker_threads';
import {
  analyseModel,
  priceModel,
  toEngineErrorInfo,
  type EstimateMode,
  type ProgressCallback,
} from '@fabflow/pricing-engine';
import type { EngineOutcome, EngineTask, ThreadMessage } from './engine-task';

/** Progress messages per stage at most this often (FIRM slicing reports every layer). */
const PROGRESS_EVERY_MS = 50;

const port = parentPort;
if (!port) throw new Error('engine-thread must run as a worker thread');

const post = (m: ThreadMessage) => port.postMessage(m);
const now = () => performance.timeOrigin + performance.now();

/** Reports throttled progress, and each stage's start and end as it changes. */
function progressReporter(): { onProgress: ProgressCallback; flush(): void; mode: EstimateMode } {
  let stage: string | undefined;
  let stageStarted = 0;
  let lastPost = 0;
  const state = {
    mode: 'INDICATIVE' as EstimateMode,
    onProgress: (s: string, fraction: number) => {
      const t = now();
      if (s !== stage) {
        if (stage !== undefined)
          post({ type: 'stage', stage, mode: state.mode, startedAt: stageStarted, endedAt: t });
        stage = s;
        stageStarted = t;
      } else if (t - lastPost < PROGRESS_EVERY_MS && fraction < 1) return;
      lastPost = t;
      post({ type: 'progress', stage: s, fraction });
    },
    flush: () => {
      if (stage !== undefined)
        post({ type: 'stage', stage, mode: state.mode, startedAt: stageStarted, endedAt: now() });
      stage = undefined;
    },
  };
  return state;
}

function run(task: EngineTask): EngineOutcome {
  const progress = progressReporter();
  progress.mode = task.mode;
  const analysis = analyseModel(new Uint8Array(task.bytes), {
    unit: task.unit,
    onProgress: progress.onProgress,
  });
  const options = {
    materialId: task.materialId,
    quantity: task.quantity,
    leadTime: task.leadTime,
    machines: task.machines,
    priceList: task.priceList,
  };
  const outcome: EngineOutcome = {};
  if (task.mode === 'INDICATIVE') {
    outcome.indicative = priceModel(
      analysis,
      { ...options, mode: 'INDICATIVE' },
      progress.onProgress,
    );
    progress.flush();
    const above = task.firmAboveCents;
    if (above === undefined || outcome.indicative.cost.total <= above) return outcome;
    post({ type: 'upgrade' });
  }
  progress.mode = 'FIRM';
  outcome.firm = priceModel(analysis, { ...options, mode: 'FIRM' }, progress.onProgress);
  progress.flush();
  return outcome;
}

port.on('message', (task: EngineTask) => {
  try {
    post({ type: 'result', outcome: run(task) });
  } catch (err) {
    post({
      type: 'failed',
      error: toEngineErrorInfo(err) ?? { name: 'Error', message: (err as Error).message },
    });
  }
});
