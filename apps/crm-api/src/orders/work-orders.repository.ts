import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

export type CrmWorkOrderRow = Selectable<CrmDatabase['work_orders']>;

export interface WorkOrderState {
  id: string;
  orderId: string;
  lineId: string;
  status: WorkOrderStatus;
  holdReason: string | null;
  replacesWorkOrderId: string | null;
  /** The work order's own version in the MES. */
  version: number;
}

/** The work orders of the CRM's order lines, each kept at its newest version. */
@Injectable()
export class WorkOrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  /** Records the state unless a newer version of the work order is already recorded. */
  async apply(tx: Transaction<CrmDatabase>, w: WorkOrderState): Promise<void> {
    await tx
      .insertInto('work_orders')
      .values({
        id: w.id,
        order_id: w.orderId,
        line_id: w.lineId,
        status: w.status,
        hold_reason: w.holdReason,
        replaces_work_order_id: w.replacesWorkOrderId,
        version: w.version,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            hold_reason: eb.ref('excluded.hold_reason'),
            version: eb.ref('excluded.version'),
            replaces_work_order_id: eb.fn.coalesce(
              'work_orders.replaces_work_order_id',
              eb.ref('excluded.replaces_work_order_id'),
            ),
          }))
          .whereRef('work_orders.version', '<', 'excluded.version'),
      )
      .execute();
  }

  /** The work orders of an order's lines, by line, oldest first. */
  async ofOrder(orderId: string): Promise<Map<string, CrmWorkOrderRow[]>> {
    const rows = await this.db
      .selectFrom('work_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const byLine = new Map<string, CrmWorkOrderRow[]>();
    for (const r of rows) byLine.set(r.line_id, [...(byLine.get(r.line_id) ?? []), r]);
    return byLine;
  }
}
