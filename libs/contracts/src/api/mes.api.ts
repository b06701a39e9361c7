import { z } from 'zod';
import { WorkOrderStatus } from '../statuses';

export const WorkOrderView = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  status: WorkOrderStatus,
  sku: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  priority: z.enum(['NORMAL', 'RUSH']),
  assigneeId: z.uuid().nullable(),
  version: z.number().int(),
  dueAt: z.iso.datetime({ offset: true }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  allowedTransitions: z.array(WorkOrderStatus),
});

export const WorkOrderHistoryEntry = z.object({
  from: WorkOrderStatus.nullable(),
  to: WorkOrderStatus,
  changedBy: z.uuid().nullable(),
  reason: z.string().nullable(),
  at: z.iso.datetime({ offset: true }),
});

export const WorkOrderDetail = WorkOrderView.extend({ history: z.array(WorkOrderHistoryEntry) });

export const WorkOrderListQuery = z.strictObject({
  status: WorkOrderStatus.optional(),
  assignee: z.enum(['me', 'unassigned', 'any']).default('any'),
  orderId: z.uuid({ message: 'must be a UUID' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const WorkOrderList = z.object({ items: z.array(WorkOrderView) });

export const TransitionRequest = z.strictObject({
  to: WorkOrderStatus,
  reason: z.string().trim().min(1).max(2000).optional(),
  /** Optimistic concurrency: the version the operator saw; a stale one is a 409. */
  expectedVersion: z.number().int().min(1).optional(),
});
