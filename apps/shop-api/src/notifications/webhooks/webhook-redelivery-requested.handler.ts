import { Inject, Injectable } from '@nestjs/common';
import { WebhookRedeliveryRequested, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { WebhookDeliverer } from './webhook-deliverer';
import { WEBHOOK_DELIVERER } from './webhook-deliverer.provider';
import { WebhooksRepository } from './webhooks.repository';
import type { WebhooksDatabase } from './webhooks.database';

/** A manager's redelivery from the CRM: the finished deliveries asked for go out again. */
@Injectable()
export class WebhookRedeliveryRequestedHandler implements EventHandler<
  WebhooksDatabase,
  typeof WebhookRedeliveryRequested
> {
  readonly event = WebhookRedeliveryRequested;
  constructor(
    private readonly repo: WebhooksRepository,
    @Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer,
  ) {}

  async handle(
    ctx: HandlerContext<WebhooksDatabase>,
    e: EventEnvelope<EventData<typeof WebhookRedeliveryRequested>>,
  ) {
    const d = e.data;
    const n = await this.repo.redeliver(
      d.organisationId,
      d.eventIds ? { eventIds: d.eventIds } : { failedSince: new Date(d.failedSince!) },
      ctx.tx,
    );
    ctx.logger.info(
      { organisationId: d.organisationId, requestedBy: d.requestedBy, deliveries: n },
      'webhook redelivery requested by the CRM',
    );
    if (n > 0) this.deliverer.wakeSoon();
  }
}
