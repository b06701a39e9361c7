import { Injectable } from '@nestjs/common';
import { CustomerRegistered, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../crm.database';

/** Opens the CRM account of a new shop customer. */
@Injectable()
export class CustomerRegisteredHandler implements EventHandler<
  CrmDatabase,
  typeof CustomerRegistered
> {
  readonly event = CustomerRegistered;

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof CustomerRegistered>>,
  ) {
    await tx
      .insertInto('accounts')
      .values({ id: e.data.customerId, kind: 'B2C', email: e.data.email, name: e.data.name })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}
