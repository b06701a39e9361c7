import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type {
  ProductionLineView,
  ProductionOrderView,
  ProductionWorkOrder,
  WorkOrderStatus,
} from '@fabflow/contracts';
import { APP_CONFIG } from '@fabflow/platform';
import {
  ProductionRepository,
  type ProductionLineRow,
  type ProductionOrderRow,
} from './production.repository';

type LineView = z.infer<typeof ProductionLineView>;
type WorkOrderSummary = {
  id: string;
  line_id: string;
  status: WorkOrderStatus;
  quantity: number;
  replaces_work_order_id: string | null;
  hold_reason: string | null;
};

const GONE: readonly WorkOrderStatus[] = ['SCRAPPED', 'CANCELLED'];
const sum = (wos: WorkOrderSummary[]) => wos.reduce((n, w) => n + w.quantity, 0);

/** A line with its work orders, and how its parts add up. */
export function toLineView(
  l: ProductionLineRow,
  wos: WorkOrderSummary[],
  maxReplacements: number,
): LineView {
  const workOrders: Array<z.infer<typeof ProductionWorkOrder>> = wos.map((w) => ({
    id: w.id,
    status: w.status,
    quantity: w.quantity,
    replacesWorkOrderId: w.replaces_work_order_id,
    holdReason: w.hold_reason,
  }));
  return {
    lineId: l.line_id,
    lineNo: l.line_no,
    quoteId: l.quote_id,
    quantity: l.quantity,
    status: l.status,
    version: l.version,
    cancelled: l.cancelled,
    cancelledAt: l.cancelled_at?.toISOString() ?? null,
    holdReason: l.hold_reason,
    replacements: l.replacements_used,
    maxReplacements,
    liveQuantity: sum(wos.filter((w) => !GONE.includes(w.status))),
    scrappedQuantity: sum(wos.filter((w) => w.status === 'SCRAPPED')),
    workOrders,
  };
}

function toOrderView(
  o: ProductionOrderRow,
  lines: LineView[],
): z.infer<typeof ProductionOrderView> {
  return {
    orderId: o.order_id,
    customerId: o.customer_id,
    channel: o.channel,
    status: o.status,
    version: o.version,
    lineCount: o.line_count,
    approvedAt: o.approved_at?.toISOString() ?? null,
    cancellation:
      o.cancellation_source && o.cancelled_at
        ? {
            source: o.cancellation_source,
            reason: o.cancellation_reason,
            at: o.cancelled_at.toISOString(),
          }
        : null,
    lines,
  };
}

/** Reads an order's or a line's production record as the API shows it. */
@Injectable()
export class ProductionViews {
  constructor(
    private readonly production: ProductionRepository,
    @Inject(APP_CONFIG) private readonly config: { REWORK_MAX_REPLACEMENTS: number },
  ) {}

  async order(orderId: string): Promise<z.infer<typeof ProductionOrderView> | undefined> {
    const order = await this.production.findOrder(orderId);
    if (!order) return undefined;
    const [lines, wos] = await Promise.all([
      this.production.linesOfOrder(orderId),
      this.production.workOrdersOfOrder(orderId),
    ]);
    const max = this.config.REWORK_MAX_REPLACEMENTS;
    return toOrderView(
      order,
      lines.map((l) =>
        toLineView(
          l,
          wos.filter((w) => w.line_id === l.line_id),
          max,
        ),
      ),
    );
  }

  async line(lineId: string): Promise<LineView | undefined> {
    const [line, wos] = await Promise.all([
      this.production.findLine(lineId),
      this.production.workOrdersOfLine(lineId),
    ]);
    return line && toLineView(line, wos, this.config.REWORK_MAX_REPLACEMENTS);
  }
}
