import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from '@fabflow/messaging';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

/** The append-only record of every event of every order. */
@Injectable()
export class TimelineRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  async record(tx: Transaction<CrmDatabase>, orderId: string, e: EventEnvelope): Promise<void> {
    await tx
      .insertInto('order_timeline')
      .values({
        order_id: orderId,
        event_id: e.id,
        type: e.type,
        source: e.source,
        occurred_at: new Date(e.time),
        correlation_id: e.correlationId ?? null,
        traceparent: e.traceparent ?? null,
        data: JSON.stringify(e.data),
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }

  list(orderId: string) {
    return this.db
      .selectFrom('order_timeline')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
  }
}
