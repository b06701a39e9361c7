import { z } from 'zod';
import { CancellationOutcome } from '../events/work-order.events';
import { OrderLineStatus, OrderStatus, QuoteStatus } from '../statuses';
import { CreateQuoteRequest, MultipartUploadTicket, SingleUploadTicket } from './quotes.api';
import {
  ApiKeyScope,
  ApiKeyStatus,
  OrganisationStatus,
  TierLimits,
  WebhookEventType,
} from '../b2b';

const when = z.iso.datetime({ offset: true });
const tierId = z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, {
  message: 'must be 2-32 characters of A-Z, 0-9 and _, starting with a letter',
});

// ---- CRM: tiers, organisations, API keys (managers) ----

export const TierView = TierLimits.extend({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  updatedAt: when,
});
export const TierList = z.object({ items: z.array(TierView) });
export const TierIdParam = z.strictObject({ id: tierId });
export const CreateTierRequest = TierLimits.extend({
  id: tierId,
  name: z.string().trim().min(1).max(100),
});
export const UpdateTierRequest = TierLimits.partial()
  .extend({ name: z.string().trim().min(1).max(100).optional() })
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one field' });

const contactEmails = z.array(z.email().max(254)).min(1).max(20);

export const CreateOrganisationRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  tierId,
  /** The organisation's managers: told (recorded notifications) when a webhook is disabled. */
  contactEmails,
});
export const UpdateOrganisationRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    tierId: tierId.optional(),
    status: OrganisationStatus.optional(),
    contactEmails: contactEmails.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'change at least one field' });
export const OrganisationView = z.object({
  id: z.uuid(),
  name: z.string(),
  status: OrganisationStatus,
  tierId: z.string(),
  contactEmails: z.array(z.string()),
  version: z.number().int(),
  createdAt: when,
  updatedAt: when,
});
export const OrganisationList = z.object({ items: z.array(OrganisationView) });

export const IssueApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  scopes: z.array(ApiKeyScope).min(1),
});
export const RotateApiKeyRequest = z.strictObject({
  /** How long the old key keeps working (default API_KEY_ROTATION_GRACE). */
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
});
export const ApiKeyView = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  name: z.string().nullable(),
  prefix: z.string(),
  scopes: z.array(ApiKeyScope),
  status: ApiKeyStatus,
  /** When it stops working: null until revoked or rotated. */
  expiresAt: when.nullable(),
  rotatedFrom: z.uuid().nullable(),
  createdAt: when,
  revokedAt: when.nullable(),
});
export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });
/** Issued (or rotated) key: `key` is shown this once and cannot be read again. */
export const IssuedApiKey = ApiKeyView.extend({ key: z.string() });
export const OrgKeyParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  keyId: z.uuid({ message: 'must be a UUID' }),
});

export const RedeliverWebhooksRequest = z
  .strictObject({
    eventIds: z.array(z.uuid()).min(1).max(100).optional(),
    failedSince: when.optional(),
  })
  .refine((v) => (v.eventIds === undefined) !== (v.failedSince === undefined), {
    message: 'give exactly one of eventIds, failedSince',
  });
export const RedeliveryRequested = z.object({
  requestId: z.uuid(),
  status: z.literal('REQUESTED'),
});

export const NotificationView = z.object({
  id: z.uuid(),
  kind: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  createdAt: when,
});
export const NotificationList = z.object({ items: z.array(NotificationView) });

// ---- Shop: the B2B API under /b2b/v1 (API key) ----

export const QuotaUsage = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  resetsAt: when,
});
export const B2bMe = z.object({
  organisation: z.object({ id: z.uuid(), name: z.string(), status: OrganisationStatus }),
  tier: TierLimits.extend({ id: z.string(), name: z.string() }),
  apiKey: z.object({
    id: z.uuid(),
    prefix: z.string(),
    scopes: z.array(ApiKeyScope),
    expiresAt: when.nullable(),
  }),
  quotas: z.object({ orders: QuotaUsage, quotes: QuotaUsage }),
});

export const CreateWebhookRequest = z.strictObject({
  url: z.url().max(2000),
  events: z.array(WebhookEventType).min(1),
  description: z.string().trim().max(200).optional(),
});
export const WebhookView = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.string().nullable(),
  status: z.enum(['ACTIVE', 'DISABLED']),
  disabledReason: z.string().nullable(),
  failingSince: when.nullable(),
  /** Until then the previous secret signs too (a second v1= in Fabflow-Signature). */
  previousSecretExpiresAt: when.nullable(),
  createdAt: when,
});
export const WebhookList = z.object({ items: z.array(WebhookView) });
/** A created subscription, or a rotated secret: `secret` is shown this once. */
export const WebhookWithSecret = WebhookView.extend({ secret: z.string() });
export const RotateWebhookSecretRequest = z.strictObject({
  /** How long the old secret keeps signing (default WEBHOOK_SECRET_OVERLAP). */
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional(),
});

export const DeliveryStatus = z.enum(['PENDING', 'DELIVERING', 'SUCCEEDED', 'FAILED']);
export const DeliveryView = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  eventId: z.uuid(),
  eventType: WebhookEventType,
  status: DeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: when.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: when,
  deliveredAt: when.nullable(),
});
export const DeliveryAttemptView = z.object({
  attempt: z.number().int(),
  startedAt: when,
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  outcome: z.enum(['SUCCEEDED', 'RETRY', 'FAILED']),
});
export const DeliveryDetail = DeliveryView.extend({ attemptLog: z.array(DeliveryAttemptView) });
export const DeliveryList = z.object({ items: z.array(DeliveryView) });
export const DeliveryListQuery = z.strictObject({
  status: DeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const DeliveryParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  deliveryId: z.uuid({ message: 'must be a UUID' }),
});

// ---- Shop: B2B models, quotes and orders (the organisation is the owner) ----

/** `POST /b2b/v1/models` answers a presigned PUT; then `POST …/:id/complete`. */
const b2bTicket = {
  modelId: z.uuid(),
  /** POST here (with an Idempotency-Key) once the PUT (or every part's PUT) has succeeded. */
  completeUrl: z.string(),
};
export const B2bModelTicket = z.discriminatedUnion('kind', [
  SingleUploadTicket.omit({ fileId: true }).extend(b2bTicket),
  MultipartUploadTicket.omit({ fileId: true }).extend(b2bTicket),
]);

/** `POST /b2b/v1/quotes`: as the shop's quote request, naming the model by `modelId`. */
export const B2bCreateQuoteRequest = CreateQuoteRequest.omit({ fileId: true }).extend({
  modelId: z.uuid({ message: 'must be a UUID' }),
});

export const B2bQuoteAccepted = z.object({
  quoteId: z.uuid(),
  status: z.literal('CALCULATING'),
  /** GET it until the status is no longer CALCULATING (or subscribe a webhook). */
  pollUrl: z.string(),
});

/** `POST /b2b/v1/quotes/:id/accept`: no fields (yet); an empty object or no body. */
export const AcceptQuoteRequest = z.strictObject({}).default({});

/**
 * `POST /b2b/v1/orders`: one order of 1 to 50 READY quotes of the organisation, each once, in one
 * currency (more lines, or a quote twice: 422 with the reason).
 */
export const B2bPlaceOrderRequest = z.strictObject({
  lines: z.array(z.strictObject({ quoteId: z.uuid({ message: 'must be a UUID' }) })).min(1),
});

// Webhook payloads (`data` of the signed body {id, type, createdAt, data}).

const link = z.string();
export const QuoteCompletedWebhookData = z.object({
  quoteId: z.uuid(),
  /** READY: it can be accepted; NEEDS_REVIEW: priced, but our staff check it first. */
  status: QuoteStatus.extract(['READY', 'NEEDS_REVIEW']),
  priceMode: z.enum(['INDICATIVE', 'FIRM']),
  price: z.object({
    currency: z.string(),
    totalCents: z.number().int(),
    unitPriceCents: z.number().int(),
  }),
  quantity: z.number().int(),
  materialId: z.string(),
  validUntil: z.iso.datetime({ offset: true }),
  reviewReasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** REVIEWED: a manager approved it in review (maybe at an adjusted price); else ENGINE. */
  priceSource: z.enum(['ENGINE', 'REVIEWED']),
  links: z.object({ quote: link, accept: link.nullable() }),
});
export const QuoteFailedWebhookData = z.object({
  quoteId: z.uuid(),
  status: z.literal('FAILED'),
  failure: z.object({ code: z.string(), reason: z.string() }),
  links: z.object({ quote: link }),
});
export const OrderStatusChangedWebhookData = z.object({
  orderId: z.uuid(),
  /** The quote of a one-line order; null for an order of several lines (see `lines`). */
  quoteId: z.uuid().nullable(),
  /** The order's status before and after; equal when only a line changed (one line shipped, say). */
  from: OrderStatus,
  to: OrderStatus,
  /** Every line of the order with its status after the change. */
  lines: z.array(
    z.object({
      lineId: z.uuid(),
      lineNo: z.number().int(),
      quoteId: z.uuid().nullable(),
      status: OrderLineStatus,
      cancellationOutcome: CancellationOutcome.nullable(),
    }),
  ),
  at: z.iso.datetime({ offset: true }),
  links: z.object({ order: link }),
});

/** The `data` of each webhook event type; a new type does not compile without one. */
export const WEBHOOK_DATA = {
  'quote.completed': QuoteCompletedWebhookData,
  'quote.failed': QuoteFailedWebhookData,
  'order.status_changed': OrderStatusChangedWebhookData,
} as const satisfies Record<WebhookEventType, z.ZodType>;

/**
 * The signed JSON body of a webhook of `type`: the event id receivers deduplicate on (also in
 * the Fabflow-Event-Id header; a redelivery keeps it), the type, when it happened, the data.
 */
export const webhookBody = <T extends WebhookEventType>(type: T) =>
  z.strictObject({
    id: z.uuid(),
    type: z.literal(type),
    createdAt: when,
    data: WEBHOOK_DATA[type],
  });
