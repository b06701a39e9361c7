import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { DB } from '@fabflow/platform';
import type { QuoteWithFile } from '../../quotes/quotes.repository';
import type { ShopDatabase } from '../../shop.database';

/** A cart item: the quote as it is now (with its model's filename) and when it was added. */
export type CartItemRow = QuoteWithFile & { added_at: Date };

/** The B2C customer's cart: quotes of theirs to order together. */
@Injectable()
export class CartRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  /** The cart's quotes, oldest item first. */
  items(customerId: string): Promise<CartItemRow[]> {
    return this.db
      .selectFrom('cart_items')
      .innerJoin('quotes', 'quotes.id', 'cart_items.quote_id')
      .innerJoin('model_files', 'model_files.id', 'quotes.file_id')
      .selectAll('quotes')
      .select(['model_files.filename', 'cart_items.added_at'])
      .where('cart_items.customer_id', '=', customerId)
      .orderBy('cart_items.added_at')
      .orderBy('cart_items.quote_id')
      .execute();
  }

  /**
   * The cart's quote ids for a checkout, its rows locked: a concurrent removal waits for the
   * checkout (and then finds the item gone), an item added meanwhile stays for the next one.
   */
  async lockItems(tx: Transaction<ShopDatabase>, customerId: string): Promise<string[]> {
    const rows = await tx
      .selectFrom('cart_items')
      .select('quote_id')
      .where('customer_id', '=', customerId)
      .orderBy('added_at')
      .orderBy('quote_id')
      .forUpdate()
      .execute();
    return rows.map((r) => r.quote_id);
  }

  /** Serialises changes of one customer's cart (the item count is checked before an add). */
  async lockCart(tx: Transaction<ShopDatabase>, customerId: string): Promise<void> {
    await tx
      .selectFrom('customers')
      .select('id')
      .where('id', '=', customerId)
      .forNoKeyUpdate()
      .execute();
  }

  async count(tx: Transaction<ShopDatabase>, customerId: string): Promise<number> {
    const row = await tx
      .selectFrom('cart_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async has(tx: Transaction<ShopDatabase>, customerId: string, quoteId: string): Promise<boolean> {
    const row = await tx
      .selectFrom('cart_items')
      .select('quote_id')
      .where('customer_id', '=', customerId)
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async add(tx: Transaction<ShopDatabase>, customerId: string, quoteId: string): Promise<void> {
    await tx
      .insertInto('cart_items')
      .values({ customer_id: customerId, quote_id: quoteId })
      .onConflict((oc) => oc.columns(['customer_id', 'quote_id']).doNothing())
      .execute();
  }

  /** Removes one item; whether it was there. */
  async remove(customerId: string, quoteId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('cart_items')
      .where('customer_id', '=', customerId)
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Takes ordered quotes out of the customer's cart, in the order's transaction. */
  async removeQuotes(
    tx: Transaction<ShopDatabase>,
    customerId: string,
    quoteIds: readonly string[],
  ): Promise<void> {
    await tx
      .deleteFrom('cart_items')
      .where('customer_id', '=', customerId)
      .where('quote_id', 'in', quoteIds)
      .execute();
  }
}
