import type { Selectable } from 'kysely';
import type { ShopDatabase } from '../shop.database';

/** What a notification says about a quote: the fields of the quote row it reads. */
export type QuoteFacts = Pick<
  Selectable<ShopDatabase['quotes']>,
  | 'id'
  | 'customer_id'
  | 'channel'
  | 'status'
  | 'mode'
  | 'price_mode'
  | 'price'
  | 'quantity'
  | 'material_id'
  | 'valid_until'
  | 'review_reasons'
  | 'failure_code'
  | 'failure_reason'
>;

/** What a notification says about an order. */
export type OrderFacts = Pick<
  Selectable<ShopDatabase['orders']>,
  'id' | 'customer_id' | 'quote_id' | 'channel'
>;

/**
 * The event that caused the change (a CloudEvents envelope): its id makes the notification's
 * own id, so a redelivered or replayed source event never notifies twice.
 */
export interface SourceEvent {
  id: string;
  time: string;
}
