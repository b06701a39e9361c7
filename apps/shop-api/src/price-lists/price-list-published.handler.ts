import { Injectable } from '@nestjs/common';
import { PriceListPublished, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../shop.database';
import { PriceListsRepository } from './price-lists.repository';

/** Keeps the shop's materials and lead times in step with the MES's active price list. */
@Injectable()
export class PriceListPublishedHandler implements EventHandler<
  ShopDatabase,
  typeof PriceListPublished
> {
  readonly event = PriceListPublished;
  constructor(private readonly priceLists: PriceListsRepository) {}

  async handle(
    { tx, logger }: HandlerContext<ShopDatabase>,
    e: EventEnvelope<EventData<typeof PriceListPublished>>,
  ) {
    const applied = await this.priceLists.upsert(tx, e.data);
    logger.info(
      { priceListVersion: e.data.priceListVersion, applied },
      applied ? 'price list recorded' : 'price list already known; ignored',
    );
  }
}
