import { Injectable } from '@nestjs/common';
import { TierUpdated, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopB2bDatabase } from '../../b2b.database';
import { ApiKeyCache } from '../api-key-cache';
import { ApiKeyProjectionRepository } from '../api-key-projection.repository';

@Injectable()
export class TierUpdatedHandler implements EventHandler<ShopB2bDatabase, typeof TierUpdated> {
  readonly event = TierUpdated;
  constructor(
    private readonly repo: ApiKeyProjectionRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async handle(
    ctx: HandlerContext<ShopB2bDatabase>,
    e: EventEnvelope<EventData<typeof TierUpdated>>,
  ) {
    // Every cached key of the tier carries its limits: drop them all.
    if (await this.repo.upsertTier(ctx.tx, e.data)) this.cache.invalidateSoon();
  }
}
