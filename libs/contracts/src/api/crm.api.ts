import { z } from 'zod';
import { OrderStatus } from '../statuses';

export const CrmOrderView = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  status: OrderStatus,
  /** The shop quote the order was placed from (null only for orders of the former catalogue). */
  quoteId: z.uuid().nullable(),
  name: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  totalCents: z.number().int(),
  currency: z.string(),
  workOrderStatus: z.string().nullable(),
  approvedBy: z.uuid().nullable(),
  note: z.string().nullable(),
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
