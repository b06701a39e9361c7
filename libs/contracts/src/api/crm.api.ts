import { z } from 'zod';
import { CancellationOutcome } from '../events/work-order.events';
import { MAX_ORDER_LINES } from '../order-lines';
import { OrderLineStatus, OrderStatus, SalesChannel, WorkOrderStatus } from '../statuses';

export const CrmOrderLineView = z.object({
  lineId: z.uuid(),
  lineNo: z.number().int(),
  /** The shop quote of the line (null only for lines of the former catalogue). */
  quoteId: z.uuid().nullable(),
  name: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  totalCents: z.number().int(),
  status: OrderLineStatus,
  /** Its work orders in the MES, oldest first (a scrapped part's replacement after it). */
  workOrders: z.array(
    z.object({
      id: z.uuid(),
      status: WorkOrderStatus,
      holdReason: z.string().nullable(),
      replacesWorkOrderId: z.uuid().nullable(),
    }),
  ),
  /** What the MES did with the line when it was cancelled (null: not cancelled, or not yet applied). */
  cancellationOutcome: CancellationOutcome.nullable(),
});

export const CrmOrderView = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  channel: SalesChannel,
  status: OrderStatus,
  lines: z.array(CrmOrderLineView),
  subtotalCents: z.number().int(),
  minimumOrderSurchargeCents: z.number().int(),
  totalCents: z.number().int(),
  currency: z.string(),
  approvedBy: z.uuid().nullable(),
  note: z.string().nullable(),
  cancellation: z
    .object({
      by: z.uuid().nullable(),
      reason: z.string().nullable(),
      at: z.iso.datetime({ offset: true }),
    })
    .nullable(),
  placedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const CrmOrderListQuery = z.strictObject({
  status: OrderStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const CrmOrderList = z.object({ items: z.array(CrmOrderView) });

export const ApproveOrderRequest = z.strictObject({
  priority: z.enum(['NORMAL', 'RUSH']).default('NORMAL'),
  dueInDays: z.number().int().min(1).max(365).default(7),
  note: z.string().max(2000).optional(),
});

export const RejectOrderRequest = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/** `POST /orders/:id/cancel`: the whole order (no `lineIds`) or some lines, up to shipping. */
export const CancelOrderRequest = z.strictObject({
  reason: z.string().trim().min(1).max(1000),
  lineIds: z
    .array(z.uuid())
    .min(1)
    .max(MAX_ORDER_LINES)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'each line once' })
    .optional(),
});

export const TimelineEntry = z.object({
  eventId: z.uuid(),
  type: z.string(),
  source: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  recordedAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().nullable(),
  traceparent: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const OrderTimeline = z.object({ orderId: z.uuid(), entries: z.array(TimelineEntry) });

export const StuckOrdersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const StuckOrder = z.object({
  id: z.uuid(),
  status: OrderStatus,
  since: z.iso.datetime(),
  stuckForSeconds: z.number().int(),
  slaSeconds: z.number().int(),
});

export const StuckOrderList = z.object({ items: z.array(StuckOrder) });

/** What `POST /staff/:id/deactivate` did, and by when the person's access has ended. */
export const StaffDeactivation = z.object({
  id: z.uuid(),
  deactivatedAt: z.iso.datetime({ offset: true }),
  /** Their sessions (refresh-token families) that were live and are now revoked. */
  sessionsRevoked: z.number().int(),
  /** Whether every verifier was told at once (Redis); if not, their access tokens run out. */
  revocationPushed: z.boolean(),
  /**
   * When the last access token they hold is refused everywhere: now (plus the push's
   * milliseconds) when pushed, else when the longest access token issued before now expires.
   */
  accessEndsBy: z.iso.datetime({ offset: true }),
});
