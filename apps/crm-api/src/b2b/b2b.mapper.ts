import type { Selectable } from 'kysely';
import type { EventData, OrganisationChanged, ApiKeyIssued } from '@fabflow/contracts';
import type { CrmB2bTables } from './b2b.database';

type TierRow = Selectable<CrmB2bTables['b2b_tiers']>;
type OrganisationRow = Selectable<CrmB2bTables['organisations']>;
type ApiKeyRow = Selectable<CrmB2bTables['api_keys']>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTierSnapshot(t: TierRow): EventData<typeof OrganisationChanged>['tier'] {
  return {
    tierId: t.id,
    name: t.name,
    requestsPerMinute: t.requests_per_minute,
    burst: t.burst,
    dailyOrderQuota: t.daily_order_quota,
    dailyQuoteQuota: t.daily_quote_quota,
    maxConcurrentPricingJobs: t.max_concurrent_pricing_jobs,
    version: t.version,
  };
}

export function toTierView(t: TierRow) {
  const { tierId, version: _v, ...limits } = toTierSnapshot(t);
  return { id: tierId, ...limits, version: t.version, updatedAt: t.updated_at.toISOString() };
}

export function toOrganisationView(o: OrganisationRow) {
  return {
    id: o.id,
    name: o.name,
    status: o.status,
    tierId: o.tier_id,
    contactEmails: o.contact_emails,
    version: o.version,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export function toApiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    organisationId: k.organisation_id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    status: k.status,
    expiresAt: iso(k.expires_at),
    rotatedFrom: k.rotated_from,
    createdAt: k.created_at.toISOString(),
    revokedAt: iso(k.revoked_at),
  };
}

/** What the shop's projection needs of a key (every key event carries all of it). */
export function toApiKeySnapshot(
  k: ApiKeyRow,
): Omit<EventData<typeof ApiKeyIssued>, 'rotatedFrom'> {
  return {
    keyId: k.id,
    organisationId: k.organisation_id,
    prefix: k.prefix,
    secretHash: k.secret_hash,
    scopes: k.scopes,
    status: k.status,
    expiresAt: iso(k.expires_at),
    createdAt: k.created_at.toISOString(),
  };
}
