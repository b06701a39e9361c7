import { Injectable } from '@nestjs/common';
import { linesOfLegacyOrder, OrderPlaced, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { AccountsRepository } from '../../accounts/accounts.repository';
import type { CrmDatabase } from '../../crm.database';
import { OrderIntake } from '../order-intake';

/**
 * `OrderPlaced` version 1 (one `item`), for messages still in flight from before order lines:
 * one line whose id is the order's; the channel from the customer's account.
 */
@Injectable()
export class OrderPlacedV1Handler implements EventHandler<CrmDatabase, typeof OrderPlaced> {
  readonly event = OrderPlaced;
  constructor(
    private readonly intake: OrderIntake,
    private readonly accounts: AccountsRepository,
  ) {}

  async handle(ctx: HandlerContext<CrmDatabase>, e: EventEnvelope<EventData<typeof OrderPlaced>>) {
    const d = e.data;
    await this.intake.receive(ctx, e, {
      ...d,
      channel: await this.accounts.channelOf(ctx.tx, d.customerId),
      lines: linesOfLegacyOrder(d),
      subtotalCents: d.totalCents,
      minimumOrderSurchargeCents: 0,
    });
  }
}
