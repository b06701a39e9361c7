import { z } from 'zod';
import { OrderStatus, WorkOrderStatus } from '../statuses';
import { defineEvent, type EventDefinition } from './event-definition';

const id = z.uuid();
const money = z.number().int().nonnegative();

export const OrderItem = z.strictObject({
  sku: z.string().min(1),
  name: z.string().min(1),
  material: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPriceCents: money,
});

export const CustomerRegistered = defineEvent(
  'shop',
  'CustomerRegistered',
  'customer.registered',
  1,
  z.strictObject({ customerId: id, email: z.email(), name: z.string().min(1) }),
  'A customer created a shop account; the CRM opens an account record.',
);

export const OrderPlaced = defineEvent(
  'shop',
  'OrderPlaced',
  'order.placed',
  1,
  z.strictObject({
    orderId: id,
    customerId: id,
    item: OrderItem,
    totalCents: money,
    currency: z.string().length(3),
    placedAt: z.iso.datetime({ offset: true }),
  }),
  'A customer placed an order; the CRM puts it in front of a manager.',
);

export const OrderReceived = defineEvent(
  'crm',
  'OrderReceived',
  'order.received',
  1,
  z.strictObject({ orderId: id, status: z.literal('AWAITING_CONFIRMATION') }),
  'The CRM recorded an order and it awaits a manager’s confirmation.',
);

export const OrderApproved = defineEvent(
  'crm',
  'OrderApproved',
  'order.approved',
  1,
  z.strictObject({
    orderId: id,
    customerId: id,
    item: OrderItem,
    approvedBy: id,
    dueAt: z.iso.datetime({ offset: true }),
    priority: z.enum(['NORMAL', 'RUSH']),
  }),
  'A manager (or an auto-approve rule) confirmed the order; the MES schedules production.',
);

export const OrderRejected = defineEvent(
  'crm',
  'OrderRejected',
  'order.rejected',
  1,
  z.strictObject({ orderId: id, rejectedBy: id, reason: z.string().min(1) }),
  'A manager rejected the order; the shop cancels it.',
);

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

/** Every event type of the system, for validation, docs and the handler registry. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [
  CustomerRegistered,
  OrderPlaced,
  OrderReceived,
  OrderApproved,
  OrderRejected,
  WorkOrderCreated,
  WorkOrderStatusChanged,
];

const byType = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}
