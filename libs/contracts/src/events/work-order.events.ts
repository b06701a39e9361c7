import { z } from 'zod';
import { MAX_ORDER_LINES } from '../order-lines';
import { OrderLineStatus, OrderStatus, WorkOrderStatus } from '../statuses';
import { defineEvent } from './event-definition';

const id = z.uuid();

export const WorkOrderCreated = defineEvent(
  'mes',
  'WorkOrderCreated',
  'workorder.created',
  1,
  z.strictObject({
    workOrderId: id,
    orderId: id,
    status: z.literal('QUEUED'),
    dueAt: z.iso.datetime({ offset: true }),
  }),
  'The MES queued a work order for an approved order.',
);

export const WorkOrderStatusChanged = defineEvent(
  'mes',
  'WorkOrderStatusChanged',
  'workorder.status_changed',
  1,
  z.strictObject({
    workOrderId: id,
    orderId: id,
    from: WorkOrderStatus,
    to: WorkOrderStatus,
    /** What the customer's order becomes, when this step changes it. */
    orderStatus: OrderStatus.optional(),
    changedBy: id,
    reason: z.string().optional(),
  }),
  'A work order moved through production; the CRM and the shop follow it.',
);

const lineNo = z.number().int().min(1).max(MAX_ORDER_LINES);
const version = z.number().int().positive();

export const WorkOrderCreatedV2 = defineEvent(
  'mes',
  'WorkOrderCreated',
  'workorder.created',
  2,
  z.strictObject({
    workOrderId: id,
    orderId: id,
    lineId: id,
    lineNo,
    lineCount: lineNo,
    quantity: z.number().int().positive(),
    status: z.literal('QUEUED'),
    dueAt: z.iso.datetime({ offset: true }),
    /** The scrapped work order this one replaces (rework), else null. */
    replacesWorkOrderId: id.nullable(),
  }),
  'The MES queued a work order for one line of an approved order (or a replacement of a scrapped part).',
);

export const WorkOrderStatusChangedV2 = defineEvent(
  'mes',
  'WorkOrderStatusChanged',
  'workorder.status_changed',
  2,
  z.strictObject({
    workOrderId: id,
    orderId: id,
    lineId: id,
    from: WorkOrderStatus,
    to: WorkOrderStatus,
    /** The line's status after this step (`lineStatusFromWorkOrders`) and its version in the MES. */
    lineStatus: OrderLineStatus,
    lineVersion: version,
    /**
     * The order's status from all its lines after this step (`orderStatusFromLines`; absent:
     * every line is still pending) and the order's production version, which orders the events
     * of all its work orders: apply a status only when its version is newer than the one held.
     */
    orderStatus: OrderStatus.optional(),
    orderVersion: version,
    changedBy: id,
    reason: z.string().optional(),
    /** Why a work order is ON_HOLD ("order cancelled", "scrapped 3 times: a manager decides"). */
    holdReason: z.string().nullable(),
  }),
  'A work order moved through production; the CRM and the shop follow its line and its order.',
);

export const CancellationOutcome = z.enum([
  /** Not started: the work order is CANCELLED. */
  'CANCELLED',
  /** Already in production: ON_HOLD "order cancelled", the operator decides (scrap or stock). */
  'HELD_IN_PRODUCTION',
  /** Shipped before the cancellation arrived: nothing to undo. */
  'ALREADY_SHIPPED',
  /** No work order existed yet (not approved yet): none will be made. */
  'NOT_SCHEDULED',
]);

export const OrderCancellationApplied = defineEvent(
  'mes',
  'OrderCancellationApplied',
  'order.cancellation_applied',
  1,
  z.strictObject({
    orderId: id,
    source: z.enum(['CUSTOMER', 'MANAGER']),
    lines: z
      .array(
        z.strictObject({ lineId: id, workOrderId: id.nullable(), outcome: CancellationOutcome }),
      )
      .max(MAX_ORDER_LINES),
    orderStatus: OrderStatus.optional(),
    orderVersion: version,
    appliedAt: z.iso.datetime({ offset: true }),
  }),
  'The MES applied a cancellation to the work orders of an order; the CRM records the outcome per line.',
);
