import { Inject, Injectable } from '@nestjs/common';
import { MAX_ORDER_LINES } from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { PriceListsRepository, type PriceListRow } from '../../price-lists/price-lists.repository';
import type { ShopDatabase } from '../../shop.database';
import { OrderRefused } from '../order.errors';
import { OrderPlacement, type PlacedOrder } from '../order-placement.service';
import { OrderQuotes } from '../order-quotes';
import { CartRepository, type CartItemRow } from './cart.repository';

/** The cart's items with the price list they are priced by (see `toCartView`). */
export interface CartContents {
  items: CartItemRow[];
  priceList: PriceListRow | undefined;
}

/**
 * The B2C customer's cart: READY quotes of theirs, ordered together by a checkout. An item is
 * checked when added (the customer's own, READY, unexpired: else 404 / 409 as for an order) and
 * again at checkout, where the quotes may have expired meanwhile. Adding a quote already in the
 * cart changes nothing (the cart is a set). It holds at most MAX_ORDER_LINES quotes.
 */
@Injectable()
export class CartService {
  constructor(
    private readonly cart: CartRepository,
    private readonly orderQuotes: OrderQuotes,
    private readonly placement: OrderPlacement,
    private readonly priceLists: PriceListsRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  async contents(customerId: string): Promise<CartContents> {
    const [items, priceList] = await Promise.all([
      this.cart.items(customerId),
      this.priceLists.current(),
    ]);
    return { items, priceList };
  }

  async add(customerId: string, quoteId: string): Promise<void> {
    let refusal: OrderRefused | undefined;
    await this.uow.run(async (tx, _events, afterCommit) => {
      await this.cart.lockCart(tx, customerId);
      if (await this.cart.has(tx, customerId, quoteId)) return;
      const count = await this.cart.count(tx, customerId);
      if (count >= MAX_ORDER_LINES)
        throw new OrderRefused({
          reason: 'too-many-lines',
          count: count + 1,
          max: MAX_ORDER_LINES,
          cart: true,
        });
      const checked = await this.orderQuotes.orderable(tx, customerId, [quoteId], afterCommit);
      // Expired since the last sweep: recorded, and refused once that is committed.
      if (checked instanceof OrderRefused) refusal = checked;
      else await this.cart.add(tx, customerId, quoteId);
    });
    if (refusal) throw refusal;
  }

  async remove(customerId: string, quoteId: string): Promise<void> {
    if (!(await this.cart.remove(customerId, quoteId)))
      throw new OrderRefused({ reason: 'not-in-cart', quoteId });
  }

  /** Orders every item of the cart as one order; the cart is emptied in its transaction. */
  checkout(customerId: string): Promise<PlacedOrder> {
    return this.placement.place(customerId, 'cart');
  }
}
