import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  WorkOrderCreatedV2,
  WorkOrderStatusChangedV2,
  type WorkOrderLiveEvent,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import type { EventEnvelope, UnitOfWork } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import { LOGGER, UNIT_OF_WORK } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { ReadRouter } from '../read-replica/read-router';
import { WORK_QUEUE_REDIS } from './work-queue.redis';
import { LIVE_RESYNC_MESSAGE, WorkQueueKeys } from './work-queue.keys';
import { WorkQueueMetrics } from './work-queue.metrics';
import type { WorkQueueScripts } from './work-queue.scripts';

export type WorkOrderChange = Omit<WorkOrderLiveEvent, 'at'>;

/**
 * Tells every instance that work orders changed, after the change has committed: bumps the
 * cache generation (every cached list and count goes stale at once), records the primary's WAL
 * position for replica reads, and publishes one event per change on Redis, which each instance
 * fans out to its SSE clients (WorkOrderLiveHub).
 *
 * Changes that emit a mes.workorder event (a new work order from an approved order or for a
 * scrapped part, a status transition, a cancellation's holds) are announced by the unit of
 * work's commit listener, whoever made them — HTTP command or event handler. Changes that emit none (claim, release, quantities, notes) are
 * announced by their command.
 *
 * An announcement that fails (Redis down or failing over) leaves a resync pending, made as soon as
 * the client is connected again: the caches are invalidated (the entries cached before the outage
 * do not outlive it by their TTL) and every instance is told to end its live streams (the changes
 * it never heard of are on the dashboards once they reload).
 */
@Injectable()
export class WorkOrderChanges implements OnModuleInit {
  private resyncPending = false;

  constructor(
    @Inject(WORK_QUEUE_REDIS) private readonly redis: Redis & WorkQueueScripts,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<MesDatabase>,
    private readonly keys: WorkQueueKeys,
    private readonly router: ReadRouter,
    private readonly metrics: WorkQueueMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.uow.onCommitted((events) => this.announce(changesOf(events)));
    this.redis.on('ready', () => void this.flushPendingResync());
  }

  private async flushPendingResync(): Promise<void> {
    if (!this.resyncPending) return;
    this.resyncPending = false;
    try {
      await this.redis.wqAnnounce(
        this.keys.generation,
        this.keys.walPosition,
        this.keys.channel,
        '',
        '1',
        LIVE_RESYNC_MESSAGE,
      );
      this.metrics.invalidations.inc();
      this.logger.info(
        'work-queue cache invalidated and live streams resynced after a Redis outage',
      );
    } catch {
      this.resyncPending = true;
    }
  }

  /** Announces committed changes; never throws (a failure is logged: the TTL then bounds staleness). */
  async announce(changes: WorkOrderChange[], opts: { invalidate?: boolean } = {}): Promise<void> {
    if (changes.length === 0) return;
    const at = new Date().toISOString();
    try {
      const wal = (await this.router.primaryPosition()) ?? '';
      await this.redis.wqAnnounce(
        this.keys.generation,
        this.keys.walPosition,
        this.keys.channel,
        wal,
        opts.invalidate === false ? '0' : '1',
        ...changes.map((c) => JSON.stringify({ ...c, at } satisfies WorkOrderLiveEvent)),
      );
      if (opts.invalidate !== false) this.metrics.invalidations.inc();
      this.metrics.liveEvents.inc({ direction: 'published' }, changes.length);
    } catch (err) {
      this.resyncPending = true;
      this.logger.warn(
        { err: (err as Error).message, workOrderIds: changes.map((c) => c.id) },
        'could not announce work-order changes; caches and live streams resync when Redis is back',
      );
    }
  }
}

/** The work-order changes among a transaction's events. */
export function changesOf(events: readonly EventEnvelope[]): WorkOrderChange[] {
  const changes: WorkOrderChange[] = [];
  for (const e of events) {
    if (e.type === WorkOrderCreatedV2.type)
      changes.push({ id: e.subject, kind: 'created', status: 'QUEUED', version: e.version });
    else if (e.type === WorkOrderStatusChangedV2.type)
      changes.push({
        id: e.subject,
        kind: 'status',
        status: (e.data as { to: WorkOrderStatus }).to,
        version: e.version,
      });
  }
  return changes;
}
