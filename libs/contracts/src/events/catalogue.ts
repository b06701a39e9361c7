import { z } from 'zod';
import {
  LeadTimeTier,
  ModelFormat,
  ModelUnit,
  OrderStatus,
  PricingMode,
  SalesChannel,
  WorkOrderStatus,
} from '../statuses';
import { defineEvent, type EventDefinition } from './event-definition';
import { ApiKeyScope, ApiKeyStatus, OrganisationStatus, TierLimits } from '../b2b';

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

/** A model file in object storage, as the shop recorded it after the upload completed. */
export const ModelFileRef = z.strictObject({
  fileId: id,
  bucket: z.string().min(1),
  key: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
  format: ModelFormat,
  unit: ModelUnit,
  filename: z.string().min(1),
});

export const QuoteRequested = defineEvent(
  'shop',
  'QuoteRequested',
  'quote.requested',
  1,
  z.strictObject({
    quoteId: id,
    customerId: id,
    channel: SalesChannel,
    /** The B2B organisation (null for B2C): fairness and concurrency caps are per account. */
    accountId: id.nullable(),
    /**
     * The B2B account's tier cap on pricing jobs running at once, as it was when the quote was
     * requested (absent or null: no cap, as for B2C). The MES's dispatcher holds jobs over it.
     */
    maxConcurrentJobs: z.number().int().positive().nullable().optional(),
    file: ModelFileRef,
    materialId: z.string().min(1),
    quantity: z.number().int().positive(),
    leadTime: LeadTimeTier,
    /** FIRM asks for slicing; INDICATIVE may still be made FIRM by the MES's size/value rules. */
    mode: PricingMode,
    requestedAt: z.iso.datetime({ offset: true }),
  }),
  'A customer asked for a price of an uploaded model; the MES queues a pricing job.',
);

export const PriceListMaterial = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  technology: z.enum(['FDM', 'SLA', 'SLS', 'MJF']),
});

export const PriceListPublished = defineEvent(
  'mes',
  'PriceListPublished',
  'pricelist.published',
  1,
  z.strictObject({
    priceListVersion: z.string().min(1),
    currency: z.string().length(3),
    materials: z.array(PriceListMaterial).min(1),
    leadTimes: z.array(z.strictObject({ tier: LeadTimeTier, businessDays: z.number().int() })),
    publishedAt: z.iso.datetime({ offset: true }),
  }),
  'The MES activated a price list; the shop offers its materials and lead times.',
);

export const QuoteProgressed = defineEvent(
  'mes',
  'QuoteProgressed',
  'quote.progressed',
  1,
  z.strictObject({
    quoteId: id,
    /** Pricing-engine stage: parse, weld, measure, topology, orientation, print-time, pack, cost. */
    stage: z.string().min(1),
    /** This stage's completion, 0..1. */
    fraction: z.number().min(0).max(1),
    /** The whole job's completion, 0..1 (never goes down within one attempt). */
    overall: z.number().min(0).max(1),
    mode: PricingMode,
    attempt: z.number().int().positive(),
  }),
  'A pricing job made progress (throttled); the shop shows it to the customer.',
);

const cents = z.number().int();

export const QuoteModelSummary = z.strictObject({
  format: ModelFormat,
  triangles: z.number().int().nonnegative(),
  volumeMm3: z.number().positive(),
  surfaceAreaMm2: z.number().nonnegative(),
  bboxMm: z.strictObject({ x: z.number(), y: z.number(), z: z.number() }),
  watertight: z.boolean(),
  shells: z.number().int().nonnegative(),
});

export const QuotePriceBreakdown = z.strictObject({
  currency: z.string().length(3),
  materialCents: cents,
  supportCents: cents,
  machineTimeCents: cents,
  setupCents: cents,
  postProcessingCents: cents,
  subtotalCents: cents,
  quantityDiscountCents: cents,
  leadTimeAdjustmentCents: cents,
  minimumPriceAdjustmentCents: cents,
  totalCents: money,
  unitPriceCents: money,
});

export const QuotePriced = defineEvent(
  'mes',
  'QuotePriced',
  'quote.priced',
  1,
  z.strictObject({
    quoteId: id,
    /** READY: can be ordered; NEEDS_REVIEW: a person must look at it first (reasons given). */
    status: z.enum(['READY', 'NEEDS_REVIEW']),
    mode: PricingMode,
    price: QuotePriceBreakdown,
    model: QuoteModelSummary,
    materialId: z.string().min(1),
    technology: z.enum(['FDM', 'SLA', 'SLS', 'MJF']),
    quantity: z.number().int().positive(),
    leadTime: LeadTimeTier,
    machineId: z.string().nullable(),
    partsPerBuild: z.number().int().nonnegative(),
    machineSeconds: z.number().nonnegative(),
    reviewReasons: z.array(z.strictObject({ code: z.string(), message: z.string() })),
    priceListVersion: z.string().min(1),
    engineVersion: z.string().min(1),
    validUntil: z.iso.datetime({ offset: true }),
    pricedAt: z.iso.datetime({ offset: true }),
  }),
  'A pricing job finished with a price; the shop makes the quote READY (or NEEDS_REVIEW).',
);

export const QuoteFailed = defineEvent(
  'mes',
  'QuoteFailed',
  'quote.failed',
  1,
  z.strictObject({
    quoteId: id,
    /**
     * Engine or pricing error code (`TRUNCATED`, `COMPONENT_LIMIT_EXCEEDED`, `UNKNOWN_MATERIAL`,
     * …, listed in libs/pricing-engine/README.md), or the worker's own (`TIMEOUT`, `INTERNAL`, …).
     */
    code: z.string().min(1),
    /** What the customer can do about it, in plain words. */
    reason: z.string().min(1),
    failedAt: z.iso.datetime({ offset: true }),
  }),
  'A pricing job ended without a price; the shop fails the quote with the reason.',
);

/** A B2B API key as the CRM holds it: everything the shop's projection needs to verify it. */
const ApiKeySnapshot = z.strictObject({
  keyId: id,
  organisationId: id,
  prefix: z.string().regex(/^[a-z2-7]{10}$/),
  /** Hex SHA-256 of the whole key; the key itself never leaves the CRM's response. */
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(ApiKeyScope).min(1),
  status: ApiKeyStatus,
  /** When the key stops working (null: until revoked). */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});

export const ApiKeyIssued = defineEvent(
  'crm',
  'ApiKeyIssued',
  'apikey.issued',
  1,
  ApiKeySnapshot.extend({ rotatedFrom: id.nullable() }),
  'A manager issued a B2B API key (or rotated one); the shop can verify it from now on.',
);

export const ApiKeyRevoked = defineEvent(
  'crm',
  'ApiKeyRevoked',
  'apikey.revoked',
  1,
  ApiKeySnapshot.extend({ reason: z.enum(['REVOKED', 'ROTATED']) }),
  'A key was revoked (expiresAt = now) or rotated (expiresAt = end of the grace period).',
);

const TierSnapshot = TierLimits.extend({
  tierId: z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/),
  name: z.string().min(1),
  version: z.number().int().positive(),
});

export const TierUpdated = defineEvent(
  'crm',
  'TierUpdated',
  'tier.updated',
  1,
  TierSnapshot,
  "A manager created or changed a B2B tier's limits; the shop's limiter follows.",
);

export const OrganisationChanged = defineEvent(
  'crm',
  'OrganisationChanged',
  'organisation.changed',
  1,
  z.strictObject({
    organisationId: id,
    name: z.string().min(1),
    status: OrganisationStatus,
    /** The tier with its own version, so a tier the shop has not seen yet arrives with it. */
    tier: TierSnapshot,
  }),
  'A B2B organisation was created or changed (name, status, tier).',
);

export const WebhookRedeliveryRequested = defineEvent(
  'crm',
  'WebhookRedeliveryRequested',
  'webhook.redelivery_requested',
  1,
  z.strictObject({
    organisationId: id,
    requestedBy: id,
    /** Exactly one of: these events (their ids as the client saw them), or every failed one since. */
    eventIds: z.array(id).min(1).max(100).nullable(),
    failedSince: z.iso.datetime({ offset: true }).nullable(),
  }),
  "A manager asked for an organisation's webhook deliveries to be sent again (same event ids).",
);

export const WebhookSubscriptionDisabled = defineEvent(
  'shop',
  'WebhookSubscriptionDisabled',
  'webhook.subscription_disabled',
  1,
  z.strictObject({
    organisationId: id,
    subscriptionId: id,
    url: z.string().min(1),
    failingSince: z.iso.datetime({ offset: true }),
    disabledAt: z.iso.datetime({ offset: true }),
    lastError: z.string().nullable(),
  }),
  "A webhook subscription failed for too long and was disabled; the CRM tells the organisation's managers.",
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
  QuoteRequested,
  PriceListPublished,
  QuoteProgressed,
  QuotePriced,
  QuoteFailed,
  ApiKeyIssued,
  ApiKeyRevoked,
  TierUpdated,
  OrganisationChanged,
  WebhookRedeliveryRequested,
  WebhookSubscriptionDisabled,
];

const byType = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}
