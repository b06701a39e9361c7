import { Inject, Injectable } from '@nestjs/common';
import {
  sql,
  type Insertable,
  type Kysely,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { QuoteStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

export type QuoteRow = Selectable<ShopDatabase['quotes']>;
/** A quote with the filename of its model (what the views show). */
export type QuoteWithFile = QuoteRow & { filename: string };
export type QuoteChange = Omit<Updateable<ShopDatabase['quotes']>, 'revision' | 'updated_at'>;

/** Statuses a quote can expire from once its validUntil has passed. */
export const EXPIRING_STATUSES = ['READY', 'NEEDS_REVIEW'] as const satisfies QuoteStatus[];

@Injectable()
export class QuotesRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  async insert(tx: Transaction<ShopDatabase>, quote: Insertable<ShopDatabase['quotes']>) {
    await tx.insertInto('quotes').values(quote).execute();
  }

  findByIdempotencyKey(customerId: string, key: string) {
    return this.db
      .selectFrom('quotes')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  private withFile(db: Kysely<ShopDatabase> | Transaction<ShopDatabase> = this.db) {
    return db
      .selectFrom('quotes')
      .innerJoin('model_files', 'model_files.id', 'quotes.file_id')
      .selectAll('quotes')
      .select('model_files.filename');
  }

  /** The quote only if it belongs to `customerId` (undefined otherwise: no existence leak). */
  findOwned(id: string, customerId: string | undefined): Promise<QuoteWithFile | undefined> {
    let q = this.withFile().where('quotes.id', '=', id);
    if (customerId !== undefined) q = q.where('quotes.customer_id', '=', customerId);
    return q.executeTakeFirst();
  }

  listByCustomer(customerId: string, limit: number): Promise<QuoteWithFile[]> {
    return this.withFile()
      .where('quotes.customer_id', '=', customerId)
      .orderBy('quotes.created_at', 'desc')
      .orderBy('quotes.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Locks the quote for a change (with its filename, for an order's item). */
  lock(tx: Transaction<ShopDatabase>, id: string): Promise<QuoteWithFile | undefined> {
    return this.withFile(tx).where('quotes.id', '=', id).forUpdate('quotes').executeTakeFirst();
  }

  /**
   * Locks several quotes at once, in id order: two orders sharing quotes lock them in the same
   * order, so they wait for each other instead of deadlocking.
   */
  lockMany(tx: Transaction<ShopDatabase>, ids: readonly string[]): Promise<QuoteWithFile[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.withFile(tx)
      .where('quotes.id', 'in', ids)
      .orderBy('quotes.id')
      .forUpdate('quotes')
      .execute();
  }

  /** Moves several quotes to one status (one statement), bumping each revision. */
  async setStatus(
    tx: Transaction<ShopDatabase>,
    ids: readonly string[],
    status: QuoteStatus,
  ): Promise<void> {
    if (ids.length === 0) return;
    await tx
      .updateTable('quotes')
      .set({ status, revision: sql`revision + 1`, updated_at: new Date() })
      .where('id', 'in', ids)
      .execute();
  }

  /** Applies a change and bumps the row's revision (the id of the next progress-stream event). */
  async update(tx: Transaction<ShopDatabase>, id: string, change: QuoteChange): Promise<void> {
    await tx
      .updateTable('quotes')
      .set({ ...change, revision: sql`revision + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Marks every priced quote past its validity EXPIRED; the ids it changed. */
  async expireDue(now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('quotes')
      .set({ status: 'EXPIRED', revision: sql`revision + 1`, updated_at: now })
      .where('status', 'in', EXPIRING_STATUSES)
      .where('valid_until', '<=', now)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async countByStatus(): Promise<Array<{ status: QuoteStatus; n: number }>> {
    return this.db
      .selectFrom('quotes')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .execute();
  }
}
