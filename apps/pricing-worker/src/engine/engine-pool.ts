import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineErrorInfo } from '@fabflow/pricing-engine';
import type { Logger } from '@fabflow/observability';
import type { EngineOutcome, EngineTask, ThreadMessage } from './engine-task';

/** The engine rejected the model or the request (MeshError / PricingError, as plain data). */
export class EngineRejected extends Error {
  constructor(readonly info: EngineErrorInfo) {
    super(info.message);
    this.name = 'EngineRejected';
  }
}

/** The calculation ran past its time limit; its thread was terminated. */
export class EngineTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the calculation did not finish within ${timeoutMs} ms`);
    this.name = 'EngineTimeout';
  }
}

/** The thread died under the calculation (out of memory, a crash); it has been replaced. */
export class EngineCrashed extends Error {
  constructor(
    message: string,
    readonly outOfMemory: boolean,
  ) {
    super(message);
    this.name = 'EngineCrashed';
  }
}

/** The caller gave up on the calculation (its job lost its lock, or shutdown); thread replaced. */
export class EngineAborted extends Error {
  constructor() {
    super('the calculation was aborted');
    this.name = 'EngineAborted';
  }
}

export interface EnginePoolOptions {
  size: number;
  /** Heap limit of each thread (old generation), MB. */
  maxHeapMb: number;
  logger: Logger;
  /** The thread's entry file; the compiled engine-thread.js next to this file by default. */
  threadFile?: string;
}

export interface RunOptions {
  timeoutMs: number;
  onMessage?: (m: Exclude<ThreadMessage, { type: 'result' | 'failed' }>) => void;
  signal?: AbortSignal;
}

interface Slot {
  thread: Worker;
  busy: boolean;
}

/**
 * A fixed pool of worker threads running the pricing engine, one calculation per thread at a
 * time; the main thread only coordinates. A thread that crashes, runs out of memory, times out
 * or is aborted is terminated and replaced, so the pool keeps its size.
 */
export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private closed = false;

  constructor(private readonly opts: EnginePoolOptions) {
    for (let i = 0; i < opts.size; i++) this.slots.push(this.spawn());
  }

  /** Threads running a calculation now. */
  get busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  get size(): number {
    return this.opts.size;
  }

  /**
   * Runs one calculation. `task.bytes` is transferred to the thread: the caller must not use it
   * afterwards. Rejects with EngineRejected, EngineTimeout, EngineCrashed or EngineAborted.
   */
  async run(task: EngineTask, opts: RunOptions): Promise<EngineOutcome> {
    if (this.closed) throw new Error('the engine pool is closed');
    const slot = await this.acquire();
    return new Promise<EngineOutcome>((resolve, reject) => {
      const thread = slot.thread;
      let settled = false;
      const finish = (err: Error | undefined, outcome?: EngineOutcome, replace = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
        if (replace) this.replace(slot);
        else this.release(slot);
        if (err) reject(err);
        else resolve(outcome!);
      };
      const onMessage = (m: ThreadMessage) => {
        if (m.type === 'result') finish(undefined, m.outcome);
        else if (m.type === 'failed') {
          finish(
            m.error.name === 'Error'
              ? new Error(`pricing engine failed: ${m.error.message}`)
              : new EngineRejected(m.error),
          );
        } else opts.onMessage?.(m);
      };
      const onError = (err: Error & { code?: string }) => {
        const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(
          new EngineCrashed(`calculation thread failed: ${err.message}`, oom),
          undefined,
          true,
        );
      };
      const onExit = (code: number) =>
        finish(new EngineCrashed(`calculation thread exited with ${code}`, false), undefined, true);
      const onAbort = () => finish(new EngineAborted(), undefined, true);
      const timer = setTimeout(
        () => finish(new EngineTimeout(opts.timeoutMs), undefined, true),
        opts.timeoutMs,
      );
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      thread.postMessage(task, [task.bytes]);
    });
  }

  /** Terminates every thread (a calculation still running is rejected as crashed). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private spawn(): Slot {
    const thread = new Worker(this.opts.threadFile ?? join(__dirname, 'engine-thread.js'), {
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb },
    });
    // Errors of an idle thread (none expected) are logged; a busy one's reject its calculation.
    thread.on('error', (err: Error) =>
      this.opts.logger.error({ err: err.message }, 'calculation thread error'),
    );
    thread.unref();
    return { thread, busy: false };
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    slot.busy = next !== undefined;
    next?.(slot);
  }

  /** Terminates a thread that cannot be trusted any more and puts a fresh one in its place. */
  private replace(slot: Slot): void {
    const old = slot.thread;
    void old.terminate().catch(() => undefined);
    const index = this.slots.indexOf(slot);
    if (this.closed || index < 0) return;
    const fresh = this.spawn();
    this.slots[index] = fresh;
    this.release(fresh);
  }
}
