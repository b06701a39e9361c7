import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@fabflow/platform';

export type CacheName = 'work_queue_list' | 'work_queue_counts';

/**
 * Published on the changes channel instead of a change when changes could not be announced (Redis
 * away): every instance ends its live streams, and the dashboards reconnect and reload.
 */
export const LIVE_RESYNC_MESSAGE = 'resync';

/**
 * Redis names of the work queue's cache and live updates. Every instance on one MES database
 * shares them (the namespace is the database name), and nothing else does: tests, each on a
 * database of their own, never see each other's entries or events.
 */
@Injectable()
export class WorkQueueKeys {
  readonly namespace: string;

  constructor(@Inject(APP_CONFIG) config: { DATABASE_URL: string }) {
    const database = decodeURIComponent(new URL(config.DATABASE_URL).pathname.slice(1));
    // One hash tag: every key of the namespace lives on one Redis Cluster slot, so the Lua
    // scripts may touch them together.
    this.namespace = `fabflow:{mes:${database}}:wq:`;
  }

  /** Bumped after every change that can alter a list or a count: all entries go stale at once. */
  get generation(): string {
    return `${this.namespace}generation`;
  }

  /** The primary's WAL position after the last change (only with read replicas). */
  get walPosition(): string {
    return `${this.namespace}wal`;
  }

  get channel(): string {
    return `${this.namespace}changes`;
  }

  /** `<namespace><cache>:` + generation + `:<hash of the query>`, split around the generation. */
  entry(cache: CacheName, query: unknown): { prefix: string; suffix: string } {
    const hash = createHash('sha1').update(JSON.stringify(query)).digest('base64url');
    return { prefix: `${this.namespace}${cache}:`, suffix: `:${hash}` };
  }
}
