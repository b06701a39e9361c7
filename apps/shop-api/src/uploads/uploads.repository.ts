import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ModelFormat } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

export type ModelFileRow = Selectable<ShopDatabase['model_files']>;

@Injectable()
export class UploadsRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  async insert(file: Insertable<ShopDatabase['model_files']>): Promise<ModelFileRow> {
    return this.db.insertInto('model_files').values(file).returningAll().executeTakeFirstOrThrow();
  }

  /** The file only if it belongs to `customerId` (undefined otherwise: no existence leak). */
  findOwned(id: string, customerId: string | undefined): Promise<ModelFileRow | undefined> {
    let q = this.db.selectFrom('model_files').selectAll().where('id', '=', id);
    if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
    return q.executeTakeFirst();
  }

  /** PENDING_UPLOAD → READY once; undefined when another completion got there first. */
  markReady(
    id: string,
    result: { sha256: string; format: ModelFormat },
  ): Promise<ModelFileRow | undefined> {
    return this.db
      .updateTable('model_files')
      .set({ status: 'READY', ...result, completed_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'PENDING_UPLOAD')
      .returningAll()
      .executeTakeFirst();
  }
}
