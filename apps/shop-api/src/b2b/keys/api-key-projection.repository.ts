import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import type { ApiKeyIssued, EventData, TierUpdated } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopB2bDatabase } from '../b2b.database';

type Tx = Transaction<ShopB2bDatabase>;

/** The `email` of an organisation's account: not an address (no domain), so never a login. */
export const organisationAccountEmail = (organisationId: string) =>
  `organisation:${organisationId}`;
type KeySnapshot = Omit<EventData<typeof ApiKeyIssued>, 'rotatedFrom'>;

/** A key with its organisation and tier, as verification needs it (one indexed lookup). */
export interface ProjectedKey {
  id: string;
  prefix: string;
  secretHash: string;
  scopes: KeySnapshot['scopes'];
  status: 'ACTIVE' | 'REVOKED';
  expiresAt: Date | null;
  organisation: { id: string; name: string; status: 'ACTIVE' | 'SUSPENDED' } | null;
  tier: (EventData<typeof TierUpdated> & { id: string }) | null;
}

/**
 * The shop's projection of the CRM's keys, organisations and tiers. Every write is an upsert
 * that only replaces an older version, so events applied out of order or twice converge.
 */
@Injectable()
export class ApiKeyProjectionRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopB2bDatabase>) {}

  async upsertKey(tx: Tx, k: KeySnapshot, version: number): Promise<boolean> {
    const values = {
      id: k.keyId,
      prefix: k.prefix,
      secret_hash: k.secretHash,
      organisation_id: k.organisationId,
      scopes: k.scopes,
      status: k.status,
      expires_at: k.expiresAt ? new Date(k.expiresAt) : null,
      version,
      updated_at: new Date(),
    };
    const row = await tx
      .insertInto('b2b_api_keys')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet(values).where('b2b_api_keys.version', '<', version),
      )
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async upsertTier(tx: Tx, t: EventData<typeof TierUpdated>): Promise<boolean> {
    const values = {
      id: t.tierId,
      name: t.name,
      requests_per_minute: t.requestsPerMinute,
      burst: t.burst,
      daily_order_quota: t.dailyOrderQuota,
      daily_quote_quota: t.dailyQuoteQuota,
      max_concurrent_pricing_jobs: t.maxConcurrentPricingJobs,
      version: t.version,
      updated_at: new Date(),
    };
    const row = await tx
      .insertInto('b2b_tiers')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet(values).where('b2b_tiers.version', '<', t.version),
      )
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async upsertOrganisation(
    tx: Tx,
    o: { id: string; name: string; status: 'ACTIVE' | 'SUSPENDED'; tierId: string },
    version: number,
  ): Promise<boolean> {
    const values = {
      id: o.id,
      name: o.name,
      status: o.status,
      tier_id: o.tierId,
      version,
      updated_at: new Date(),
    };
    const row = await tx
      .insertInto('b2b_organisations')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet(values).where('b2b_organisations.version', '<', version),
      )
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The organisation's account in `customers` (kind ORGANISATION, same id): the owner of its
   * model files, quotes and orders. No password; the email is no address, so it can neither be
   * registered by someone else nor logged in with.
   */
  async upsertOrganisationAccount(tx: Tx, o: { id: string; name: string }): Promise<void> {
    await tx
      .insertInto('customers')
      .values({
        id: o.id,
        kind: 'ORGANISATION',
        email: organisationAccountEmail(o.id),
        name: o.name,
        password_hash: null,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ name: o.name }).where('customers.kind', '=', 'ORGANISATION'),
      )
      .execute();
  }

  async findByPrefix(prefix: string): Promise<ProjectedKey | undefined> {
    const r = await this.db
      .selectFrom('b2b_api_keys as k')
      .leftJoin('b2b_organisations as o', 'o.id', 'k.organisation_id')
      .leftJoin('b2b_tiers as t', 't.id', 'o.tier_id')
      .select([
        'k.id',
        'k.prefix',
        'k.secret_hash',
        'k.scopes',
        'k.status',
        'k.expires_at',
        'o.id as org_id',
        'o.name as org_name',
        'o.status as org_status',
        't.id as tier_id',
        't.name as tier_name',
        't.requests_per_minute',
        't.burst',
        't.daily_order_quota',
        't.daily_quote_quota',
        't.max_concurrent_pricing_jobs',
        't.version as tier_version',
      ])
      .where('k.prefix', '=', prefix)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      prefix: r.prefix,
      secretHash: r.secret_hash,
      scopes: r.scopes,
      status: r.status,
      expiresAt: r.expires_at,
      organisation:
        r.org_id && r.org_name && r.org_status
          ? { id: r.org_id, name: r.org_name, status: r.org_status }
          : null,
      tier:
        r.tier_id && r.tier_name
          ? {
              id: r.tier_id,
              tierId: r.tier_id,
              name: r.tier_name,
              requestsPerMinute: r.requests_per_minute!,
              burst: r.burst!,
              dailyOrderQuota: r.daily_order_quota!,
              dailyQuoteQuota: r.daily_quote_quota!,
              maxConcurrentPricingJobs: r.max_concurrent_pricing_jobs!,
              version: r.tier_version!,
            }
          : null,
    };
  }
}
