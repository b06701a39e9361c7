import { sql, type Transaction } from 'kysely';
import type { WebhookEventType } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { WebhookDeliverer } from './webhook-deliverer';
import type { WebhooksDatabase } from './webhooks.database';

/** Something a B2B organisation's webhooks may want to hear about. */
export interface WebhookEvent {
  organisationId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** The stable id receivers deduplicate on; a new UUIDv7 by default. */
  eventId?: string;
  occurredAt?: Date;
}

/**
 * The webhooks' outbox: `record` runs in the caller's transaction, so a delivery exists exactly
 * when the change committed (and never for a change that rolled back). One delivery per
 * matching active subscription, all with the same event id and the same body bytes.
 */
export class WebhookOutbox {
  constructor(private readonly deliverer: Pick<WebhookDeliverer, 'wakeSoon'>) {}

  async record<DB>(
    callerTx: Transaction<DB>,
    e: WebhookEvent,
  ): Promise<{ eventId: string; deliveries: number }> {
    // Any shop transaction: every module of the shop runs on the one shop database.
    const tx = callerTx as unknown as Transaction<WebhooksDatabase>;
    const eventId = e.eventId ?? uuidv7();
    const subs = await tx
      .selectFrom('b2b_webhook_subscriptions')
      .select('id')
      .where('organisation_id', '=', e.organisationId)
      .where('status', '=', 'ACTIVE')
      .where(sql<boolean>`${e.type} = ANY(events)`)
      .execute();
    if (subs.length === 0) return { eventId, deliveries: 0 };
    const body = JSON.stringify({
      id: eventId,
      type: e.type,
      createdAt: (e.occurredAt ?? new Date()).toISOString(),
      data: e.data,
    });
    const rows = await tx
      .insertInto('b2b_webhook_deliveries')
      .values(
        subs.map((s) => ({
          id: uuidv7(),
          event_id: eventId,
          subscription_id: s.id,
          organisation_id: e.organisationId,
          event_type: e.type,
          body,
          status: 'PENDING' as const,
        })),
      )
      .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    this.deliverer.wakeSoon();
    return { eventId, deliveries: rows.length };
  }
}
