import { Injectable } from '@nestjs/common';
import { OrderPlacedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { OrderIntake } from '../order-intake';

/** A placed order of 1 to 50 lines goes in front of a manager. */
@Injectable()
export class OrderPlacedHandler implements EventHandler<CrmDatabase, typeof OrderPlacedV2> {
  readonly event = OrderPlacedV2;
  constructor(private readonly intake: OrderIntake) {}

  async handle(
    ctx: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof OrderPlacedV2>>,
  ) {
    await this.intake.receive(ctx, e, e.data);
  }
}
