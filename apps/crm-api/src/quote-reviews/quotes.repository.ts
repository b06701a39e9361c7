import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

export type CrmQuoteRow = Selectable<CrmDatabase['quotes']>;
export type ReviewStatus = NonNullable<CrmQuoteRow['review_status']>;

/** A review queue position: reviews are taken oldest first. */
export interface ReviewCursor {
  pricedAt: Date;
  id: string;
}

/** The CRM's quotes (requested, priced) and the reviews of the NEEDS_REVIEW ones. */
@Injectable()
export class QuotesRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  /** Inserts or fills the quote's row (requests and prices arrive in either order). */
  async upsert(
    tx: Transaction<CrmDatabase>,
    id: string,
    fields: Updateable<CrmDatabase['quotes']>,
  ): Promise<void> {
    await tx
      .insertInto('quotes')
      .values({ id, ...fields })
      .onConflict((oc) => oc.column('id').doUpdateSet(fields))
      .execute();
  }

  lock(tx: Transaction<CrmDatabase>, id: string) {
    return tx.selectFrom('quotes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** A review: a priced NEEDS_REVIEW quote whose request is known too. */
  findReview(id: string): Promise<CrmQuoteRow | undefined> {
    return this.reviews().where('id', '=', id).executeTakeFirst();
  }

  /** One page of the queue by status, oldest first (index quotes_review_queue_idx). */
  listReviews(status: ReviewStatus, limit: number, after?: ReviewCursor) {
    let q = this.reviews().where('review_status', '=', status);
    if (after) q = q.where(sql<boolean>`(priced_at, id) > (${after.pricedAt}, ${after.id}::uuid)`);
    return q.orderBy('priced_at').orderBy('id').limit(limit).execute();
  }

  async update(
    tx: Transaction<CrmDatabase>,
    id: string,
    fields: Updateable<CrmDatabase['quotes']>,
  ): Promise<number> {
    const row = await tx
      .updateTable('quotes')
      .set({ ...fields, version: sql`version + 1` })
      .where('id', '=', id)
      .returning('version')
      .executeTakeFirstOrThrow();
    return row.version;
  }

  private reviews() {
    return this.db
      .selectFrom('quotes')
      .selectAll()
      .where('review_status', 'is not', null)
      .where('customer_id', 'is not', null)
      .where('priced_at', 'is not', null);
  }
}
