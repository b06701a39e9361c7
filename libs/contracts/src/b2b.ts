import { z } from 'zod';

/** What a B2B API key may do; a route names the scope it needs (403 without it). */
export const API_KEY_SCOPES = [
  'read',
  'models:write',
  'quotes:write',
  'orders:write',
  'webhooks:write',
] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const API_KEY_STATUSES = ['ACTIVE', 'REVOKED'] as const;
export const ApiKeyStatus = z.enum(API_KEY_STATUSES);

export const ORGANISATION_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export const OrganisationStatus = z.enum(ORGANISATION_STATUSES);

/** The events a B2B client can subscribe a webhook to. */
export const WEBHOOK_EVENT_TYPES = [
  'quote.completed',
  'quote.failed',
  'order.status_changed',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** A tier's limits: request rate and burst, daily quotas, concurrent pricing jobs. */
export const TierLimits = z.strictObject({
  requestsPerMinute: z.number().int().min(1).max(1_000_000),
  burst: z.number().int().min(1).max(100_000),
  dailyOrderQuota: z.number().int().min(0).max(10_000_000),
  dailyQuoteQuota: z.number().int().min(0).max(10_000_000),
  maxConcurrentPricingJobs: z.number().int().min(1).max(1000),
});
export type TierLimits = z.infer<typeof TierLimits>;
