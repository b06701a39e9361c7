import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

@Injectable()
export class CatalogRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  listActive() {
    return this.db
      .selectFrom('catalog_items')
      .selectAll()
      .where('active', '=', true)
      .orderBy('sku')
      .execute();
  }

  findActive(sku: string) {
    return this.db
      .selectFrom('catalog_items')
      .selectAll()
      .where('sku', '=', sku)
      .where('active', '=', true)
      .executeTakeFirst();
  }
}
