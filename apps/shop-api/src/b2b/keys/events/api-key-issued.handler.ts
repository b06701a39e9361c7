import { Injectable } from '@nestjs/common';
import { ApiKeyIssued, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopB2bDatabase } from '../../b2b.database';
import { ApiKeyCache } from '../api-key-cache';
import { ApiKeyProjectionRepository } from '../api-key-projection.repository';

@Injectable()
export class ApiKeyIssuedHandler implements EventHandler<ShopB2bDatabase, typeof ApiKeyIssued> {
  readonly event = ApiKeyIssued;
  constructor(
    private readonly repo: ApiKeyProjectionRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async handle(
    ctx: HandlerContext<ShopB2bDatabase>,
    e: EventEnvelope<EventData<typeof ApiKeyIssued>>,
  ) {
    const { rotatedFrom: _r, ...key } = e.data;
    if (await this.repo.upsertKey(ctx.tx, key, e.version)) this.cache.invalidateSoon(key.prefix);
    else ctx.logger.info({ version: e.version }, 'stale API-key event ignored');
  }
}
