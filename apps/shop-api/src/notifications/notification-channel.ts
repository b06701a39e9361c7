import type { Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import type { ShopDatabase } from '../shop.database';
import type { OrderFacts, QuoteFacts, SourceEvent } from './notification-facts';

/**
 * One way of telling a customer about a change (webhooks today; email next). Each method runs
 * in the transaction of the change and only records what to send (its own outbox), so a
 * notification exists exactly when the change committed; delivery happens after, elsewhere.
 * A channel decides itself whom it serves (webhooks: B2B organisations with a subscription).
 */
export interface NotificationChannel {
  quoteCompleted(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent): Promise<void>;
  quoteFailed(tx: Transaction<ShopDatabase>, quote: QuoteFacts, src: SourceEvent): Promise<void>;
  orderStatusChanged(
    tx: Transaction<ShopDatabase>,
    order: OrderFacts,
    change: { from: OrderStatus; to: OrderStatus },
    src: SourceEvent,
  ): Promise<void>;
}

/** Every channel of the shop, in the order they record. */
export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
