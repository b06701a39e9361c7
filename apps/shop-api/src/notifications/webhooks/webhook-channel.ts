import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import type { ShopDatabase } from '../../shop.database';
import type { NotificationChannel } from '../notification-channel';
import type { OrderFacts, QuoteFacts, SourceEvent } from '../notification-facts';
import { orderStatusChanged, quoteCompleted, quoteFailed } from './webhook-events';
import { WebhookOutbox } from './webhook-outbox';

/**
 * Webhooks serve B2B organisations (the quote's or order's customer is the organisation): one
 * delivery per matching active subscription. B2C customers have no webhooks.
 */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  constructor(private readonly outbox: WebhookOutbox) {}

  async quoteCompleted(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent) {
    if (quote.channel === 'B2B') await this.outbox.record(tx, quoteCompleted(quote, src));
  }

  async quoteFailed(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent) {
    if (quote.channel === 'B2B') await this.outbox.record(tx, quoteFailed(quote, src));
  }

  async orderStatusChanged(
    tx: Transaction<ShopDatabase>,
    order: OrderFacts,
    change: { from: OrderStatus; to: OrderStatus },
    src: SourceEvent,
  ) {
    if (order.channel === 'B2B')
      await this.outbox.record(tx, orderStatusChanged(order, change.from, change.to, src));
  }
}
