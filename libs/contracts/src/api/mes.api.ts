import { z } from 'zod';
import { QuoteModelSummary, QuotePriceBreakdown } from '../events/quote.events';
import {
  OrderLineStatus,
  OrderStatus,
  SalesChannel,
  WORK_ORDER_STATUSES,
  WORK_ORDER_TRANSITIONS,
  WorkOrderStatus,
} from '../statuses';
import { WorkQueueCursor } from './work-queue-cursor';

export const WORK_ORDER_PRIORITIES = ['NORMAL', 'RUSH'] as const;
export const WorkOrderPriority = z.enum(WORK_ORDER_PRIORITIES);

/** Statuses a work order never leaves. */
export const FINAL_WORK_ORDER_STATUSES = WORK_ORDER_STATUSES.filter(
  (s) => WORK_ORDER_TRANSITIONS[s].length === 0,
);
/** Work still to do: the operators' default queue. */
export const OPEN_WORK_ORDER_STATUSES = WORK_ORDER_STATUSES.filter(
  (s) => WORK_ORDER_TRANSITIONS[s].length > 0,
);

export const WorkOrderView = z.object({
  id: z.uuid(),
  /** The order it is made for: the reference the shop and the CRM show. */
  orderId: z.uuid(),
  /** The order line it makes: line `lineNo` of `lineCount` ("line 2 of 3"). */
  lineId: z.uuid(),
  lineNo: z.number().int(),
  lineCount: z.number().int(),
  /** The line was cancelled: a held part is scrapped or finished to stock, nothing else. */
  lineCancelled: z.boolean(),
  status: WorkOrderStatus,
  /** Why it is ON_HOLD ("order cancelled", …); null unless it is. */
  holdReason: z.string().nullable(),
  /** The scrapped work order this one replaces (rework); null for the line's first. */
  replacesWorkOrderId: z.uuid().nullable(),
  sku: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  priority: WorkOrderPriority,
  assigneeId: z.uuid().nullable(),
  /** The machine it is planned on, if any (see GET /work-orders/filters for names). */
  machineId: z.string().nullable(),
  /** The quote the order was placed from (null for catalogue orders). */
  quoteId: z.uuid().nullable(),
  /** Parts reported so far (POST /work-orders/:id/quantities). */
  goodQuantity: z.number().int(),
  scrapQuantity: z.number().int(),
  reworkQuantity: z.number().int(),
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

export const WorkOrderNote = z.object({
  id: z.number().int(),
  authorId: z.uuid(),
  body: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});

export const WorkOrderQuantityReport = z.object({
  good: z.number().int(),
  scrap: z.number().int(),
  rework: z.number().int(),
  reportedBy: z.uuid(),
  at: z.iso.datetime({ offset: true }),
});

export const MachineView = z.object({
  id: z.string(),
  name: z.string(),
  technology: z.enum(['FDM', 'SLA', 'SLS', 'MJF']),
  active: z.boolean(),
});

/** One work order of a line, oldest first: the original, then each replacement. */
export const ProductionWorkOrder = z.object({
  id: z.uuid(),
  status: WorkOrderStatus,
  quantity: z.number().int(),
  replacesWorkOrderId: z.uuid().nullable(),
  holdReason: z.string().nullable(),
});

/** An order line in production: its derived status and how its parts add up. */
export const ProductionLineView = z.object({
  lineId: z.uuid(),
  lineNo: z.number().int(),
  quoteId: z.uuid().nullable(),
  /** Parts ordered. */
  quantity: z.number().int(),
  status: OrderLineStatus,
  /** Counts every change of the line's status; orders its events. */
  version: z.number().int(),
  cancelled: z.boolean(),
  cancelledAt: z.iso.datetime({ offset: true }).nullable(),
  /** Why the line waits for a manager (a held part, parts scrapped too often); null otherwise. */
  holdReason: z.string().nullable(),
  /** Replacement work orders made for scrapped parts, and how many a line may have. */
  replacements: z.number().int(),
  maxReplacements: z.number().int(),
  /** Parts of work orders still live (not scrapped or cancelled): the line's quantity while it is made. */
  liveQuantity: z.number().int(),
  /** Parts of scrapped work orders. */
  scrappedQuantity: z.number().int(),
  workOrders: z.array(ProductionWorkOrder),
});

/** An order as production sees it: derived status, versions, cancellation, lines. */
export const ProductionOrderView = z.object({
  orderId: z.uuid(),
  /** Null until the approval has arrived (a cancellation may come first). */
  customerId: z.uuid().nullable(),
  channel: SalesChannel.nullable(),
  status: OrderStatus.nullable(),
  version: z.number().int(),
  lineCount: z.number().int().nullable(),
  approvedAt: z.iso.datetime({ offset: true }).nullable(),
  cancellation: z
    .object({
      source: z.enum(['CUSTOMER', 'MANAGER']),
      reason: z.string().nullable(),
      at: z.iso.datetime({ offset: true }),
    })
    .nullable(),
  lines: z.array(ProductionLineView),
});

export const ProductionOrderIdParam = z.strictObject({
  orderId: z.uuid({ message: 'must be a UUID' }),
});

export const WorkOrderDetail = WorkOrderView.extend({
  /** The line it makes, with its other work orders and counts. */
  line: ProductionLineView,
  history: z.array(WorkOrderHistoryEntry),
  notes: z.array(WorkOrderNote),
  quantityReports: z.array(WorkOrderQuantityReport),
  machine: MachineView.nullable(),
  /** The model's measurements from the pricing job of the work order's quote; null without one. */
  model: QuoteModelSummary.nullable(),
  /** The price breakdown of that quote; null without one. */
  quote: QuotePriceBreakdown.nullable(),
});

const csv = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : v;

/** `?status=QUEUED,REWORK` or `?status=QUEUED&status=REWORK`. */
const StatusList = z.preprocess(
  (v) => (Array.isArray(v) ? v.flatMap(csv) : csv(v)),
  z.array(WorkOrderStatus).min(1, { message: 'name at least one status' }),
);

/** A date (`2026-12-24`, midnight UTC) or a date-time with an offset. */
const Instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    message: 'must be a date (YYYY-MM-DD) or an ISO date-time with offset',
  })
  .transform((s) => new Date(s));

/** Filters shared by the list and the counts; values are checked, an unknown one is a 400. */
const queueFilters = {
  priority: WorkOrderPriority.optional(),
  machine: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be a machine id like fdm-1' })
    .optional(),
  material: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'must be a material id' })
    .optional(),
  /** Due at or after this instant. */
  dueFrom: Instant.optional(),
  /** Due strictly before this instant. */
  dueBefore: Instant.optional(),
  /** `me`: held by the caller; `unassigned`: nobody holds it. */
  assignee: z.enum(['me', 'unassigned', 'any']).default('any'),
};

const dueRangeIsOrdered = (q: { dueFrom?: Date; dueBefore?: Date }, ctx: z.RefinementCtx) => {
  if (q.dueFrom && q.dueBefore && q.dueFrom >= q.dueBefore)
    ctx.addIssue({
      code: 'custom',
      path: ['dueBefore'],
      message: 'must be later than dueFrom',
    });
};

/**
 * The work queue: rush first, then by due date (then id), keyset-paginated. Without `status`,
 * the open statuses (all of them when `orderId` is given).
 */
export const WorkOrderListQuery = z
  .strictObject({
    status: StatusList.optional(),
    ...queueFilters,
    orderId: z.uuid({ message: 'must be a UUID' }).optional(),
    /** `nextCursor` of the previous page. */
    cursor: WorkQueueCursor.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .superRefine(dueRangeIsOrdered);

export const WorkOrderList = z.object({
  items: z.array(WorkOrderView),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

/** The same filters as the list, without status (the counts are per status) and paging. */
export const WorkOrderCountsQuery = z.strictObject(queueFilters).superRefine(dueRangeIsOrdered);

export const WorkOrderCounts = z.object({
  counts: z.record(WorkOrderStatus, z.number().int()),
  /** Sum of the open statuses. */
  open: z.number().int(),
  total: z.number().int(),
});

export const WorkQueueFilterOptions = z.object({
  statuses: z.array(WorkOrderStatus),
  openStatuses: z.array(WorkOrderStatus),
  priorities: z.array(WorkOrderPriority),
  machines: z.array(MachineView),
  materials: z.array(z.string()),
});

export const TransitionRequest = z.strictObject({
  to: WorkOrderStatus,
  reason: z.string().trim().min(1).max(2000).optional(),
  /** Optimistic concurrency: the version the operator saw; a stale one is a 409. */
  expectedVersion: z.number().int().min(1).optional(),
});

const partCount = z.number().int().min(0).max(100_000).default(0);

/** Parts finished since the last report; added to the work order's totals. */
export const QuantityReportRequest = z
  .strictObject({
    good: partCount,
    scrap: partCount,
    rework: partCount,
    expectedVersion: z.number().int().min(1).optional(),
  })
  .refine((r) => r.good + r.scrap + r.rework > 0, { message: 'report at least one part' });

export const NoteRequest = z.strictObject({ body: z.string().trim().min(1).max(2000) });

export const WORK_ORDER_CHANGE_KINDS = [
  'created',
  'status',
  'assignee',
  'quantities',
  'note',
] as const;

/** One `work-order` event of `GET /work-orders/stream` (server-sent events). */
export const WorkOrderLiveEvent = z.object({
  id: z.uuid(),
  kind: z.enum(WORK_ORDER_CHANGE_KINDS),
  status: WorkOrderStatus.optional(),
  version: z.number().int().optional(),
  at: z.iso.datetime({ offset: true }),
});
export type WorkOrderLiveEvent = z.infer<typeof WorkOrderLiveEvent>;
