import { Injectable } from '@nestjs/common';
import { CustomerRegistered, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../crm.database';
import { AccountsRepository } from './accounts.repository';

/** Opens the CRM account of a new shop customer. */
@Injectable()
export class CustomerRegisteredHandler implements EventHandler<
  CrmDatabase,
  typeof CustomerRegistered
> {
  readonly event = CustomerRegistered;
  constructor(private readonly accounts: AccountsRepository) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof CustomerRegistered>>,
  ) {
    const { customerId, email, name } = e.data;
    await this.accounts.insertCustomer(tx, { id: customerId, email, name });
  }
}
