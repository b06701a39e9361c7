import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DB } from '@fabflow/platform';
import type { MesDatabase } from '../../mes.database';

@Injectable()
export class PriceListsRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /**
   * Marks the active price list published, if it has not been yet: one conditional UPDATE, so of
   * several instances starting at once exactly one gets the row (and writes the event).
   */
  markActivePublished(tx: Transaction<MesDatabase>) {
    return tx
      .updateTable('price_lists')
      .set({ published_at: sql<Date>`now()` })
      .where('active', '=', true)
      .where('published_at', 'is', null)
      .returning(['version', 'body', 'published_at'])
      .executeTakeFirst();
  }

  list() {
    return this.db
      .selectFrom('price_lists')
      .selectAll()
      .orderBy('active', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
  }
}
