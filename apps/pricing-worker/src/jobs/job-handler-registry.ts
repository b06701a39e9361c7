import type { Job } from 'bullmq';

/** Runs the jobs of one name. `signal` aborts when the job's lock is lost. */
export interface JobHandler {
  readonly name: string;
  process(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown>;
}

/**
 * Handlers by job name, registered in one place. Startup fails if a job name of the queue has
 * no handler or two, or a handler claims a name the queue does not carry.
 */
export class JobHandlerRegistry {
  private readonly byName = new Map<string, JobHandler>();

  constructor(handlers: readonly JobHandler[], jobNames: readonly string[]) {
    const known = new Set(jobNames);
    for (const h of handlers) {
      if (!known.has(h.name)) throw new Error(`Handler for unknown job name ${h.name}`);
      if (this.byName.has(h.name)) throw new Error(`Two handlers for job name ${h.name}`);
      this.byName.set(h.name, h);
    }
    const missing = jobNames.filter((n) => !this.byName.has(n));
    if (missing.length > 0) throw new Error(`No handler for job name(s) ${missing.join(', ')}`);
  }

  get(name: string): JobHandler | undefined {
    return this.byName.get(name);
  }
}
