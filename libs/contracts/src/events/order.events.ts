import { z } from 'zod';
import { MAX_ORDER_LINES } from '../order-lines';
import { SalesChannel } from '../statuses';
import { defineEvent } from './event-definition';

const id = z.uuid();
const money = z.number().int().nonnegative();

/**
 * What was ordered: one READY quote of the shop (its model, material and quantity at the quote's
 * price). `name` is the model's filename, `material` the price list's material id.
 */
export const OrderItem = z.strictObject({
  quoteId: id,
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

/**
 * One line of an order: one READY quote of the customer (its model, material and quantity) at
 * the line's price — the quote's price without its own minimum-price top-up, which applies once
 * per order (`orderTotals`).
 */
export const OrderLine = z.strictObject({
  lineId: id,
  lineNo: z.number().int().min(1).max(MAX_ORDER_LINES),
  quoteId: id,
  name: z.string().min(1),
  material: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPriceCents: money,
  totalCents: money,
});

const lines = z
  .array(OrderLine)
  .min(1)
  .max(MAX_ORDER_LINES)
  .refine((ls) => new Set(ls.map((l) => l.quoteId)).size === ls.length, {
    message: 'a quote is ordered once per order',
  });

export const OrderPlacedV2 = defineEvent(
  'shop',
  'OrderPlaced',
  'order.placed',
  2,
  z.strictObject({
    orderId: id,
    customerId: id,
    channel: SalesChannel,
    lines,
    subtotalCents: money,
    /** The top-up to the price list's minimum order value (0 when the lines reach it). */
    minimumOrderSurchargeCents: money,
    totalCents: money,
    currency: z.string().length(3),
    placedAt: z.iso.datetime({ offset: true }),
  }),
  'A customer placed an order of 1 to 50 lines; the CRM puts it in front of a manager.',
);

export const OrderApprovedV2 = defineEvent(
  'crm',
  'OrderApproved',
  'order.approved',
  2,
  z.strictObject({
    orderId: id,
    customerId: id,
    channel: SalesChannel,
    lines,
    approvedBy: id,
    dueAt: z.iso.datetime({ offset: true }),
    priority: z.enum(['NORMAL', 'RUSH']),
  }),
  'A manager confirmed the order; the MES queues one work order per line.',
);

/** The lines of a v1 order event (one `item`): one line whose id is the order's own id. */
export function linesOfLegacyOrder(d: {
  orderId: string;
  item: z.output<typeof OrderItem>;
  totalCents?: number;
}): Array<z.output<typeof OrderLine>> {
  return [
    {
      lineId: d.orderId,
      lineNo: 1,
      ...d.item,
      totalCents: d.totalCents ?? d.item.unitPriceCents * d.item.quantity,
    },
  ];
}

export const OrderCancelledByCustomer = defineEvent(
  'shop',
  'OrderCancelledByCustomer',
  'order.cancelled',
  1,
  z.strictObject({
    orderId: id,
    customerId: id,
    reason: z.string().min(1).max(1000).nullable(),
    cancelledAt: z.iso.datetime({ offset: true }),
  }),
  'A customer cancelled an order before production started; the CRM records it, the MES cancels its work orders.',
);

export const OrderCancelled = defineEvent(
  'crm',
  'OrderCancelled',
  'order.cancelled',
  1,
  z.strictObject({
    orderId: id,
    cancelledBy: id,
    reason: z.string().min(1).max(1000),
    /** The cancelled lines; null: every line not yet shipped (the whole order). */
    lineIds: z.array(id).min(1).max(MAX_ORDER_LINES).nullable(),
    cancelledAt: z.iso.datetime({ offset: true }),
  }),
  'A manager cancelled an order or some of its lines (up to shipping); the shop and the MES follow.',
);
