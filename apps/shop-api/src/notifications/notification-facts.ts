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
  | 'price_source'
  | 'failure_code'
  | 'failure_reason'
>;

/** What a notification says about an order: the order and each of its lines as they are now. */
export type OrderFacts = Pick<
  Selectable<ShopDatabase['orders']>,
  'id' | 'customer_id' | 'channel'
> & {
  lines: Array<
    Pick<
      Selectable<ShopDatabase['order_lines']>,
      'id' | 'line_no' | 'quote_id' | 'status' | 'cancellation_outcome'
    >
  >;
};

/**
 * The event that caused the change (a CloudEvents envelope): its id makes the notification's
 * own id, so a redelivered or replayed source event never notifies twice.
 */
export interface SourceEvent {
  id: string;
  time: string;
}
