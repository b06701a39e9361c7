import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { CrmB2bDatabase, CrmB2bTables } from './b2b.database';

type Tx = Transaction<CrmB2bDatabase>;

/** Tiers, organisations, API keys and notifications of the CRM's B2B side. */
@Injectable()
export class B2bRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmB2bDatabase>) {}

  listTiers() {
    return this.db.selectFrom('b2b_tiers').selectAll().orderBy('requests_per_minute').execute();
  }

  findTier(id: string, tx?: Tx) {
    return (tx ?? this.db)
      .selectFrom('b2b_tiers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  lockTier(tx: Tx, id: string) {
    return tx
      .selectFrom('b2b_tiers')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  insertTier(tx: Tx, tier: Insertable<CrmB2bTables['b2b_tiers']>) {
    return tx.insertInto('b2b_tiers').values(tier).returningAll().executeTakeFirstOrThrow();
  }

  updateTier(tx: Tx, id: string, change: Updateable<CrmB2bTables['b2b_tiers']>) {
    return tx
      .updateTable('b2b_tiers')
      .set({ ...change, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listOrganisations(limit: number) {
    return this.db
      .selectFrom('organisations')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  findOrganisation(id: string) {
    return this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  lockOrganisation(tx: Tx, id: string) {
    return tx
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async insertOrganisation(tx: Tx, org: Insertable<CrmB2bTables['organisations']>) {
    await tx
      .insertInto('accounts')
      .values({ id: org.id, kind: 'B2B', email: org.contact_emails[0] ?? '', name: org.name })
      .execute();
    return tx.insertInto('organisations').values(org).returningAll().executeTakeFirstOrThrow();
  }

  updateOrganisation(tx: Tx, id: string, change: Updateable<CrmB2bTables['organisations']>) {
    return tx
      .updateTable('organisations')
      .set({ ...change, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listKeys(organisationId: string) {
    return this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  lockKey(tx: Tx, organisationId: string, id: string) {
    return tx
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .where('organisation_id', '=', organisationId)
      .forUpdate()
      .executeTakeFirst();
  }

  insertKey(tx: Tx, key: Insertable<CrmB2bTables['api_keys']>) {
    return tx.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
  }

  updateKey(tx: Tx, id: string, change: Updateable<CrmB2bTables['api_keys']>) {
    return tx
      .updateTable('api_keys')
      .set({ ...change, version: sql`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listNotifications(organisationId: string, limit: number) {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
}
