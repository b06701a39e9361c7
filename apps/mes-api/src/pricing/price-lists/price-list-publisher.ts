import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PriceListPublished } from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import { LOGGER, UNIT_OF_WORK } from '@fabflow/platform';
import type { MesDatabase } from '../../mes.database';
import { toPriceListPublished } from './price-list-body';
import { PriceListsRepository } from './price-lists.repository';

/**
 * Tells the shop about the active price list once: at start, if it has not been published yet,
 * it is marked published and PriceListPublished written to the outbox in one transaction. Of
 * several instances starting together exactly one wins the conditional update.
 */
@Injectable()
export class PriceListPublisher implements OnApplicationBootstrap {
  constructor(
    private readonly priceLists: PriceListsRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<MesDatabase>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.publishActive();
    } catch (err) {
      // A broken body must not keep the MES from starting; the next start tries again.
      this.logger.error(
        { err: (err as Error).message },
        'could not publish the active price list; the shop keeps the one it has',
      );
    }
  }

  /** Publishes the active price list if it has not been; the version published, if any. */
  publishActive(): Promise<string | undefined> {
    return this.uow.run(async (tx, events) => {
      const row = await this.priceLists.markActivePublished(tx);
      if (!row?.published_at) return undefined;
      const data = toPriceListPublished(row.body, row.published_at);
      await events.emit(PriceListPublished, data, { subject: row.version, version: 1 });
      this.logger.info({ priceListVersion: row.version }, 'price list published to the shop');
      return row.version;
    });
  }
}
