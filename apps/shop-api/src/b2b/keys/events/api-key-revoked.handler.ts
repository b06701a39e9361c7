import { Injectable } from '@nestjs/common';
import { ApiKeyRevoked, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopB2bDatabase } from '../../b2b.database';
import { ApiKeyCache } from '../api-key-cache';
import { ApiKeyProjectionRepository } from '../api-key-projection.repository';

/** Revocation (expiresAt = now) and rotation (expiresAt = end of the grace) alike. */
@Injectable()
export class ApiKeyRevokedHandler implements EventHandler<ShopB2bDatabase, typeof ApiKeyRevoked> {
  readonly event = ApiKeyRevoked;
  constructor(
    private readonly repo: ApiKeyProjectionRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  async handle(
    ctx: HandlerContext<ShopB2bDatabase>,
    e: EventEnvelope<EventData<typeof ApiKeyRevoked>>,
  ) {
    const { reason, ...key } = e.data;
    if (await this.repo.upsertKey(ctx.tx, key, e.version)) {
      this.cache.invalidateSoon(key.prefix);
      ctx.logger.info({ prefix: key.prefix, reason, expiresAt: key.expiresAt }, 'API key revoked');
    } else ctx.logger.info({ version: e.version }, 'stale API-key event ignored');
  }
}
