import { z } from 'zod';
import { PriceListMaterial, QuoteModelSummary, QuotePriceBreakdown } from '../events/quote.events';
import { LeadTimeTier, ModelFormat, ModelUnit, PricingMode, QuoteStatus } from '../statuses';

/** `POST /uploads`: announce a model file; the answer is a short-lived presigned PUT. */
export const CreateUploadRequest = z.strictObject({
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/\.(stl|3mf)$/i, { message: 'must end in .stl or .3mf' }),
  /** Exact size of the file in bytes; the presigned PUT only accepts this many. */
  sizeBytes: z.number().int().positive(),
  /** STL carries no unit; 3MF declares its own, which wins. */
  unit: ModelUnit.default('mm'),
});

const ticketHeaders = z
  .record(z.string(), z.string())
  .describe('Headers the PUT must send exactly as given (they are part of the signature).');

/** One PUT of the whole file (files up to UPLOAD_MULTIPART_THRESHOLD_BYTES). */
export const SingleUploadTicket = z.object({
  fileId: z.uuid(),
  kind: z.literal('SINGLE'),
  uploadUrl: z.url(),
  method: z.literal('PUT'),
  headers: ticketHeaders,
  expiresAt: z.iso.datetime({ offset: true }),
  maxBytes: z.number().int(),
});

/** One part of a multipart upload: the bytes [offset, offset + sizeBytes) of the file. */
export const UploadPartTicket = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  offset: z.number().int().min(0),
  sizeBytes: z.number().int().positive(),
  uploadUrl: z.url(),
  method: z.literal('PUT'),
  headers: ticketHeaders,
});

/**
 * A large file in parts (S3 multipart upload): PUT each part to its URL (in any order, in
 * parallel, again after a failure), keep the ETag response header of each, then complete with
 * `{ parts: [{ partNumber, etag }] }`.
 */
export const MultipartUploadTicket = z.object({
  fileId: z.uuid(),
  kind: z.literal('MULTIPART'),
  partSizeBytes: z.number().int().positive(),
  parts: z.array(UploadPartTicket),
  expiresAt: z.iso.datetime({ offset: true }),
  maxBytes: z.number().int(),
});

export const UploadTicket = z.discriminatedUnion('kind', [
  SingleUploadTicket,
  MultipartUploadTicket,
]);

/** `POST /uploads/:id/complete`: no body for a SINGLE upload; every part's ETag for a MULTIPART one. */
export const CompleteUploadRequest = z
  .strictObject({
    parts: z
      .array(
        z.strictObject({
          partNumber: z.number().int().min(1).max(10_000),
          /** The ETag response header of the part's PUT (quotes included or not). */
          etag: z.string().min(1).max(200),
        }),
      )
      .min(1)
      .max(10_000)
      .optional(),
  })
  .default({});

export const ModelFileView = z.object({
  id: z.uuid(),
  filename: z.string(),
  status: z.enum(['PENDING_UPLOAD', 'READY']),
  unit: ModelUnit,
  sizeBytes: z.number().int(),
  sha256: z.string().nullable(),
  format: ModelFormat.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const MaterialList = z.object({
  priceListVersion: z.string().nullable(),
  currency: z.string().nullable(),
  items: z.array(PriceListMaterial),
  leadTimes: z.array(z.object({ tier: LeadTimeTier, businessDays: z.number().int() })),
});

/** `POST /quotes`: price an uploaded model (asynchronous: 202 and a poll URL). */
export const CreateQuoteRequest = z.strictObject({
  fileId: z.uuid({ message: 'must be a UUID' }),
  materialId: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(100_000),
  leadTime: LeadTimeTier.default('STANDARD'),
  /** Ask for a firm price (slicing, minutes) instead of the indicative one (seconds). */
  firm: z.boolean().default(false),
});

export const QuoteAccepted = z.object({
  quoteId: z.uuid(),
  status: z.literal('CALCULATING'),
  pollUrl: z.string(),
  eventsUrl: z.string(),
});

export const QuoteProgressView = z.object({
  stage: z.string().nullable(),
  /** The current stage's completion, 0..1. */
  fraction: z.number(),
  /** The whole calculation's completion, 0..1. */
  overall: z.number(),
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const QuoteView = z.object({
  id: z.uuid(),
  status: QuoteStatus,
  /** Requested mode; `priceMode` says what the price is once there is one. */
  mode: PricingMode,
  priceMode: PricingMode.nullable(),
  fileId: z.uuid(),
  filename: z.string(),
  materialId: z.string(),
  quantity: z.number().int(),
  leadTime: LeadTimeTier,
  progress: QuoteProgressView,
  price: QuotePriceBreakdown.nullable(),
  /** Who made the price: the pricing engine, or a manager's review (null until priced). */
  priceSource: z.enum(['ENGINE', 'REVIEWED']).nullable(),
  model: QuoteModelSummary.nullable(),
  reviewReasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** A manager's review of a NEEDS_REVIEW quote: the decision and its reason (null: none). */
  review: z
    .object({
      decision: z.enum(['APPROVED', 'REJECTED']),
      reason: z.string().nullable(),
      reviewedAt: z.iso.datetime({ offset: true }),
    })
    .nullable(),
  /** Why it failed; a rejection in review has the code REJECTED_IN_REVIEW and the manager's reason. */
  failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
  validUntil: z.iso.datetime({ offset: true }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const QuoteListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const QuoteList = z.object({ items: z.array(QuoteView) });
