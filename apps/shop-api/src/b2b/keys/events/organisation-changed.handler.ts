import { Injectable } from '@nestjs/common';
import { OrganisationChanged, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopB2bDatabase } from '../../b2b.database';
import { ApiKeyCache } from '../api-key-cache';
import { ApiKeyProjectionRepository } from '../api-key-projection.repository';

/**
 * The organisation (newer versions only), the snapshot of its tier (newer versions only), and
 * the organisation's account in `customers` (kind ORGANISATION), all in the handler's one
 * transaction: from then on the organisation can own model files, quotes and orders.
 */
@Injectable()
export class OrganisationChangedHandler implements EventHandler<
  ShopB2bDatabase,
  typeof OrganisationChanged
> {
  readonly event = OrganisationChanged;
  constructor(
    private readonly repo: ApiKeyProjectionRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async handle(
    ctx: HandlerContext<ShopB2bDatabase>,
    e: EventEnvelope<EventData<typeof OrganisationChanged>>,
  ) {
    const d = e.data;
    const tier = await this.repo.upsertTier(ctx.tx, d.tier);
    const org = await this.repo.upsertOrganisation(
      ctx.tx,
      { id: d.organisationId, name: d.name, status: d.status, tierId: d.tier.tierId },
      e.version,
    );
    // A stale version changes nothing: the newer one applied before it wrote the account.
    if (org)
      await this.repo.upsertOrganisationAccount(ctx.tx, { id: d.organisationId, name: d.name });
    if (tier || org) this.cache.invalidateSoon();
  }
}
