import { z } from 'zod';
import { ApiKeyScope, ApiKeyStatus, OrganisationStatus, TierLimits } from '../b2b';
import { defineEvent } from './event-definition';

const id = z.uuid();

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
