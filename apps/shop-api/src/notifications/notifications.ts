import { Inject, Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import type { ShopDatabase } from '../shop.database';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from './notification-channel';
import type { OrderFacts, QuoteFacts, SourceEvent } from './notification-facts';

/**
 * What the shop's projections call when something a customer may want to hear about has
 * happened, inside the transaction of that change: one call per fact, fanned out to every
 * channel. Callers never know which channels exist or whom each serves.
 */
@Injectable()
export class Notifications {
  constructor(
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: readonly NotificationChannel[],
  ) {}

  /** A quote was priced (READY, or NEEDS_REVIEW before it can be ordered). */
  async quoteCompleted(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent) {
    for (const channel of this.channels) await channel.quoteCompleted(tx, quote, src);
  }

  /** No price could be made for a quote. */
  async quoteFailed(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent) {
    for (const channel of this.channels) await channel.quoteFailed(tx, quote, src);
  }

  /** An order moved from one status to another, or one of its lines did (`from` = `to`). */
  async orderStatusChanged(
    tx: Transaction<ShopDatabase>,
    order: OrderFacts,
    change: { from: OrderStatus; to: OrderStatus },
    src: SourceEvent,
  ) {
    for (const channel of this.channels) await channel.orderStatusChanged(tx, order, change, src);
  }
}
