import { z } from 'zod';
import { LeadTimeTier, ModelFormat, ModelUnit, PricingMode, SalesChannel } from '../statuses';
import { defineEvent } from './event-definition';

const id = z.uuid();
const money = z.number().int().nonnegative();

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
    /** The minimum order value, applied once per order (absent from older lists: none). */
    minimumOrderCents: money.optional(),
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
  /** A manager's adjustment in review (absent: priced by the engine alone). */
  reviewAdjustmentCents: cents.optional(),
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

export const QuoteReviewed = defineEvent(
  'crm',
  'QuoteReviewed',
  'quote.reviewed',
  1,
  z
    .strictObject({
      quoteId: id,
      customerId: id,
      decision: z.enum(['APPROVED', 'REJECTED']),
      reviewedBy: id,
      /** Why: required for a rejection (the customer acts on it) and for an adjusted price. */
      reason: z.string().min(1).max(1000).nullable(),
      /** APPROVED: the price the quote is READY at (FIRM); REJECTED: null. */
      price: QuotePriceBreakdown.nullable(),
      leadTime: LeadTimeTier.nullable(),
      validUntil: z.iso.datetime({ offset: true }).nullable(),
      reviewedAt: z.iso.datetime({ offset: true }),
    })
    .refine((d) => (d.decision === 'APPROVED') === (d.price !== null), {
      message: 'an approval carries the price, a rejection none',
    })
    .refine((d) => d.decision === 'APPROVED' || d.reason !== null, {
      message: 'a rejection needs a reason',
    }),
  'A manager reviewed a NEEDS_REVIEW quote: READY at the (maybe adjusted) price, or FAILED with the reason.',
);
