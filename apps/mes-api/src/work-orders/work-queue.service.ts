import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Principal } from '@fabflow/auth';
import {
  encodeWorkQueueCursor,
  OPEN_WORK_ORDER_STATUSES,
  WORK_ORDER_PRIORITIES,
  WORK_ORDER_STATUSES,
  type WorkOrderCounts,
  type WorkOrderCountsQuery,
  type WorkOrderList,
  type WorkOrderListQuery,
  type WorkOrderStatus,
  type WorkQueueFilterOptions,
} from '@fabflow/contracts';
import { ValidationFailedException } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { ReadRouter } from '../read-replica/read-router';
import { toWorkOrderView } from './work-order.mapper';
import { WorkQueueCache } from './work-queue.cache';
import { WorkQueueRepository, type CountsFilter, type QueueFilter } from './work-queue.repository';

type ListQuery = z.output<typeof WorkOrderListQuery>;
const KNOWN_VALUES_MS = 60_000;
type CountsQuery = z.output<typeof WorkOrderCountsQuery>;

/** The filters other than status, as the repository takes them ("me" resolved). */
function countsFilter(q: CountsQuery, caller: Principal): CountsFilter {
  return {
    ...(q.priority ? { priority: q.priority } : {}),
    ...(q.machine ? { machineId: q.machine } : {}),
    ...(q.material ? { material: q.material } : {}),
    ...(q.dueFrom ? { dueFrom: q.dueFrom.toISOString() } : {}),
    ...(q.dueBefore ? { dueBefore: q.dueBefore.toISOString() } : {}),
    ...(q.assignee === 'me'
      ? { assigneeId: caller.userId }
      : q.assignee === 'unassigned'
        ? { assigneeId: null }
        : {}),
  };
}

/**
 * The operators' work queue: pages and counts through the cache (one computation per change
 * and query, whichever instance asks), read from a replica when one is fresh enough.
 */
@Injectable()
export class WorkQueueService {
  /**
   * The machines and materials filters may name, remembered for a minute: a miss filtered by
   * machine should not cost a second query. A value not remembered is checked against the
   * database again, so a new machine or material is accepted at once.
   */
  private readonly known = {
    machines: this.remembered((db) =>
      this.repository.machines(db).then((ms) => ms.map((m) => m.id)),
    ),
    materials: this.remembered((db) => this.repository.materials(db)),
  };

  constructor(
    private readonly repository: WorkQueueRepository,
    private readonly cache: WorkQueueCache,
    private readonly router: ReadRouter,
  ) {}

  private remembered(read: (db: Kysely<MesDatabase>) => Promise<string[]>) {
    let at = 0;
    let list: string[] = [];
    return async (db: Kysely<MesDatabase>, value: string): Promise<string[]> => {
      if (Date.now() - at > KNOWN_VALUES_MS || !list.includes(value)) {
        list = await read(db);
        at = Date.now();
      }
      return list;
    };
  }

  /** A page as the JSON text of a WorkOrderList. */
  list(q: ListQuery, caller: Principal): Promise<string> {
    const statuses: WorkOrderStatus[] = q.status
      ? WORK_ORDER_STATUSES.filter((s) => q.status!.includes(s))
      : q.orderId
        ? [...WORK_ORDER_STATUSES]
        : [...OPEN_WORK_ORDER_STATUSES];
    const filter: QueueFilter = {
      statuses,
      ...countsFilter(q, caller),
      ...(q.orderId ? { orderId: q.orderId } : {}),
    };
    const key = { filter, after: q.cursor ?? null, limit: q.limit };
    return this.cache.get('work_queue_list', key, (wal) =>
      this.router.read(wal, async (db): Promise<z.infer<typeof WorkOrderList>> => {
        await this.checkValues(db, filter);
        // One row more than asked: whether there is a next page, without counting.
        const rows = await this.repository.page(db, filter, q.cursor, q.limit + 1);
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        return {
          items: page.map(toWorkOrderView),
          nextCursor:
            rows.length > q.limit && last
              ? encodeWorkQueueCursor({ rank: last.queue_rank, dueAt: last.due_key, id: last.id })
              : null,
        };
      }),
    );
  }

  /** The counts as the JSON text of a WorkOrderCounts. */
  counts(q: CountsQuery, caller: Principal): Promise<string> {
    const filter = countsFilter(q, caller);
    return this.cache.get('work_queue_counts', filter, (wal) =>
      this.router.read(wal, async (db): Promise<z.infer<typeof WorkOrderCounts>> => {
        await this.checkValues(db, filter);
        const counts = Object.fromEntries(WORK_ORDER_STATUSES.map((s) => [s, 0])) as Record<
          WorkOrderStatus,
          number
        >;
        for (const row of await this.repository.counts(db, filter)) counts[row.status] = row.n;
        const sum = (statuses: readonly WorkOrderStatus[]) =>
          statuses.reduce((n, s) => n + counts[s], 0);
        return { counts, open: sum(OPEN_WORK_ORDER_STATUSES), total: sum(WORK_ORDER_STATUSES) };
      }),
    );
  }

  filterOptions(): Promise<z.infer<typeof WorkQueueFilterOptions>> {
    return this.router.read(null, async (db) => ({
      statuses: [...WORK_ORDER_STATUSES],
      openStatuses: [...OPEN_WORK_ORDER_STATUSES],
      priorities: [...WORK_ORDER_PRIORITIES],
      machines: await this.repository.machines(db),
      materials: await this.repository.materials(db),
    }));
  }

  /** A machine or material nobody knows is a mistake, not an empty queue: 400 naming the known ones. */
  private async checkValues(db: Kysely<MesDatabase>, f: CountsFilter): Promise<void> {
    const errors: Array<{ path: string; message: string }> = [];
    if (f.machineId) {
      const machines = await this.known.machines(db, f.machineId);
      if (!machines.includes(f.machineId))
        errors.push({ path: 'machine', message: `unknown machine; known: ${machines.join(', ')}` });
    }
    if (f.material) {
      const materials = await this.known.materials(db, f.material);
      if (!materials.includes(f.material))
        errors.push({
          path: 'material',
          message: `unknown material; known: ${materials.slice(0, 30).join(', ')}`,
        });
    }
    if (errors.length > 0) throw new ValidationFailedException('query', errors);
  }
}
