import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@fabflow/auth';
import type { WorkOrderStatus } from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { ProductionRepository } from '../production/production.repository';
import { WorkOrderChanges } from './work-order-changes';
import { WorkOrderTransitions } from './work-order-transitions';
import type { WorkOrderRow } from './work-orders.repository';
import { WorkOrdersRepository } from './work-orders.repository';

/** Where parts come off a machine or out of finishing, so they can be counted. */
const REPORTING: readonly WorkOrderStatus[] = [
  'IN_PRODUCTION',
  'POST_PROCESSING',
  'QUALITY_CHECK',
  'REWORK',
];

@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly workOrders: WorkOrdersRepository,
    private readonly changes: WorkOrderChanges,
    private readonly transitions: WorkOrderTransitions,
    private readonly production: ProductionRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<MesDatabase>,
  ) {}

  async get(id: string) {
    const wo = await this.workOrders.find(id);
    if (!wo) throw new NotFoundException(`work order ${id} not found`);
    return wo;
  }

  async claim(id: string, operator: Principal) {
    const claimed = await this.workOrders.claim(id, operator.userId);
    if (claimed) {
      await this.announceAssignee(claimed);
      return claimed;
    }
    const wo = await this.get(id);
    if (wo.assignee_id === operator.userId) return wo;
    if (wo.assignee_id)
      throw new ConflictException('work order is already taken by another operator');
    throw new ConflictException(`work order is ${wo.status} and can no longer be taken`);
  }

  async release(id: string, operator: Principal) {
    const released = await this.workOrders.release(id, operator.userId);
    if (released) {
      await this.announceAssignee(released);
      return released;
    }
    await this.get(id);
    throw new ConflictException('only the operator who took this work order can release it');
  }

  /**
   * Moves a work order the caller holds; the table decides what is legal, the event tells the
   * others (and, once committed, WorkOrderChanges tells every dashboard). The order is locked
   * before the work order, as the approval and the cancellation of the order lock them.
   */
  async transition(
    id: string,
    caller: Principal,
    input: { to: WorkOrderStatus; reason?: string; expectedVersion?: number },
  ) {
    const orderId = await this.workOrders.orderIdOf(id);
    if (!orderId) throw new NotFoundException(`work order ${id} not found`);
    return this.uow.run(async (tx, events) => {
      await this.production.lockOrder(tx, orderId);
      const wo = await this.lockHeld(tx, id, caller, input.expectedVersion);
      return this.transitions.move(tx, events, wo, {
        to: input.to,
        changedBy: caller.userId,
        ...(input.reason ? { reason: input.reason } : {}),
      });
    });
  }

  /** Adds parts finished (good, scrap, rework) to the totals of a work order the caller holds. */
  async reportQuantities(
    id: string,
    caller: Principal,
    input: { good: number; scrap: number; rework: number; expectedVersion?: number },
  ) {
    const updated = await this.uow.run(async (tx) => {
      const wo = await this.lockHeld(tx, id, caller, input.expectedVersion);
      if (!REPORTING.includes(wo.status))
        throw new ConflictException(
          `parts are reported in ${REPORTING.join(', ')}; the work order is ${wo.status}`,
        );
      return this.workOrders.addQuantities(tx, id, { ...input, by: caller.userId });
    });
    await this.changes.announce([
      { id, kind: 'quantities', status: updated.status, version: updated.version },
    ]);
    return updated;
  }

  /** Any operator may note something on a work order; lists do not change, open details do. */
  async addNote(id: string, author: Principal, body: string) {
    const wo = await this.get(id);
    const note = await this.workOrders.addNote(id, author.userId, body);
    await this.changes.announce([{ id, kind: 'note', status: wo.status, version: wo.version }], {
      invalidate: false,
    });
    return note;
  }

  /** Locks the row and checks the version the caller saw and that the caller holds it. */
  private async lockHeld(
    tx: Parameters<WorkOrdersRepository['lock']>[0],
    id: string,
    caller: Principal,
    expectedVersion: number | undefined,
  ): Promise<WorkOrderRow> {
    const wo = await this.workOrders.lock(tx, id);
    if (!wo) throw new NotFoundException(`work order ${id} not found`);
    annotateContext('order_id', wo.order_id);
    if (expectedVersion !== undefined && expectedVersion !== wo.version) {
      throw new ConflictException(
        `stale version: you saw version ${expectedVersion}, the work order is at ${wo.version}; reload it`,
      );
    }
    if (caller.role !== 'admin' && wo.assignee_id !== caller.userId) {
      throw new ConflictException(
        wo.assignee_id
          ? 'work order is held by another operator'
          : 'take the work order before moving it',
      );
    }
    return wo;
  }

  private announceAssignee(wo: WorkOrderRow) {
    return this.changes.announce([
      { id: wo.id, kind: 'assignee', status: wo.status, version: wo.version },
    ]);
  }
}
