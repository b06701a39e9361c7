import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  BadRequestException,
} from '@nestjs/common';
import type { Principal } from '@fabflow/auth';
import {
  assertTransition,
  orderStatusForWorkOrder,
  WORK_ORDER_TRANSITIONS,
  WorkOrderStatusChanged,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { WorkOrdersRepository } from './work-orders.repository';

@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly workOrders: WorkOrdersRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<MesDatabase>,
  ) {}

  async get(id: string) {
    const wo = await this.workOrders.find(id);
    if (!wo) throw new NotFoundException(`work order ${id} not found`);
    return wo;
  }

  async claim(id: string, operator: Principal) {
    const claimed = await this.workOrders.claim(id, operator.userId);
    if (claimed) return claimed;
    const wo = await this.get(id);
    if (wo.assignee_id === operator.userId) return wo;
    if (wo.assignee_id)
      throw new ConflictException('work order is already taken by another operator');
    throw new ConflictException(`work order is ${wo.status} and can no longer be taken`);
  }

  async release(id: string, operator: Principal) {
    const released = await this.workOrders.release(id, operator.userId);
    if (released) return released;
    await this.get(id);
    throw new ConflictException('only the operator who took this work order can release it');
  }

  /** Moves a work order the caller holds; the table decides what is legal, the event tells the others. */
  async transition(
    id: string,
    caller: Principal,
    input: { to: WorkOrderStatus; reason?: string; expectedVersion?: number },
  ) {
    return this.uow.run(async (tx, events) => {
      const wo = await this.workOrders.lock(tx, id);
      if (!wo) throw new NotFoundException(`work order ${id} not found`);
      annotateContext('order_id', wo.order_id);
      if (input.expectedVersion !== undefined && input.expectedVersion !== wo.version) {
        throw new ConflictException(
          `stale version: you saw version ${input.expectedVersion}, the work order is at ${wo.version}; reload it`,
        );
      }
      if (caller.role !== 'admin' && wo.assignee_id !== caller.userId) {
        throw new ConflictException(
          wo.assignee_id
            ? 'work order is held by another operator'
            : 'take the work order before moving it',
        );
      }
      assertTransition('work order', WORK_ORDER_TRANSITIONS, wo.status, input.to);
      if (
        (input.to === 'ON_HOLD' || input.to === 'SCRAPPED' || input.to === 'REWORK') &&
        !input.reason
      ) {
        throw new BadRequestException(`a reason is required to move a work order to ${input.to}`);
      }
      const updated = await this.workOrders.setStatus(tx, {
        id,
        from: wo.status,
        to: input.to,
        by: caller.userId,
        reason: input.reason ?? null,
      });
      await events.emit(
        WorkOrderStatusChanged,
        {
          workOrderId: id,
          orderId: wo.order_id,
          from: wo.status,
          to: input.to,
          orderStatus: orderStatusForWorkOrder(input.to),
          changedBy: caller.userId,
          ...(input.reason ? { reason: input.reason } : {}),
        },
        { subject: id, version: updated.version },
      );
      return updated;
    });
  }
}
