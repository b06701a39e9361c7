import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { WebhooksDatabase, WebhookTables } from './webhooks.database';

type Status = WebhookTables['b2b_webhook_deliveries']['status'];

/** Subscriptions, deliveries and attempts, always within one organisation. */
@Injectable()
export class WebhooksRepository {
  constructor(@Inject(DB) private readonly db: Kysely<WebhooksDatabase>) {}

  insert(row: Insertable<WebhookTables['b2b_webhook_subscriptions']>) {
    return this.db
      .insertInto('b2b_webhook_subscriptions')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  countLive(organisationId: string) {
    return this.db
      .selectFrom('b2b_webhook_subscriptions')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('organisation_id', '=', organisationId)
      .where('status', '!=', 'DELETED')
      .executeTakeFirstOrThrow();
  }

  list(organisationId: string) {
    return this.db
      .selectFrom('b2b_webhook_subscriptions')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('status', '!=', 'DELETED')
      .orderBy('created_at')
      .execute();
  }

  find(organisationId: string, id: string) {
    return this.db
      .selectFrom('b2b_webhook_subscriptions')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('status', '!=', 'DELETED')
      .executeTakeFirst();
  }

  update(
    organisationId: string,
    id: string,
    change: Updateable<WebhookTables['b2b_webhook_subscriptions']>,
    tx?: Transaction<WebhooksDatabase>,
  ) {
    return (tx ?? this.db)
      .updateTable('b2b_webhook_subscriptions')
      .set({ ...change, updated_at: new Date() })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('status', '!=', 'DELETED')
      .returningAll()
      .executeTakeFirst();
  }

  async failPending(tx: Transaction<WebhooksDatabase>, subscriptionId: string, reason: string) {
    await tx
      .updateTable('b2b_webhook_deliveries')
      .set({ status: 'FAILED', last_error: reason })
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'PENDING')
      .execute();
  }

  deliveries(
    organisationId: string,
    subscriptionId: string,
    status: Status | undefined,
    limit: number,
  ) {
    let q = this.db
      .selectFrom('b2b_webhook_deliveries')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('subscription_id', '=', subscriptionId);
    if (status) q = q.where('status', '=', status);
    return q.orderBy('created_at', 'desc').limit(limit).execute();
  }

  delivery(organisationId: string, subscriptionId: string, id: string) {
    return this.db
      .selectFrom('b2b_webhook_deliveries')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('subscription_id', '=', subscriptionId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  attempts(deliveryId: string) {
    return this.db
      .selectFrom('b2b_webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('id')
      .execute();
  }

  /**
   * Puts finished deliveries (succeeded or failed) of active subscriptions back in the queue,
   * keeping their event ids and bodies; how many.
   */
  async redeliver(
    organisationId: string,
    which: { deliveryIds?: string[]; eventIds?: string[]; failedSince?: Date },
    tx?: Transaction<WebhooksDatabase>,
  ): Promise<number> {
    let q = (tx ?? this.db)
      .updateTable('b2b_webhook_deliveries')
      .set({ status: 'PENDING', next_attempt_at: new Date(), last_error: null, locked_until: null })
      .where('organisation_id', '=', organisationId)
      .where('status', 'in', ['SUCCEEDED', 'FAILED'])
      .where('subscription_id', 'in', (eb) =>
        eb
          .selectFrom('b2b_webhook_subscriptions')
          .select('id')
          .where('organisation_id', '=', organisationId)
          .where('status', '=', 'ACTIVE'),
      );
    if (which.deliveryIds) q = q.where('id', 'in', which.deliveryIds);
    if (which.eventIds) q = q.where('event_id', 'in', which.eventIds);
    if (which.failedSince)
      q = q.where('status', '=', 'FAILED').where('created_at', '>=', which.failedSince);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
