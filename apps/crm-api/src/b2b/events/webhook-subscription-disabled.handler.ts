import { Injectable } from '@nestjs/common';
import { WebhookSubscriptionDisabled, type EventData } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmB2bDatabase } from '../b2b.database';

/**
 * Tells the organisation's managers that a webhook was disabled. There is no email service:
 * the notification is recorded (GET /organisations/:id/notifications) and logged, once per
 * event; a mailer would send what is recorded.
 */
@Injectable()
export class WebhookSubscriptionDisabledHandler implements EventHandler<
  CrmB2bDatabase,
  typeof WebhookSubscriptionDisabled
> {
  readonly event = WebhookSubscriptionDisabled;

  async handle(
    { tx, logger }: HandlerContext<CrmB2bDatabase>,
    e: EventEnvelope<EventData<typeof WebhookSubscriptionDisabled>>,
  ) {
    const d = e.data;
    const org = await tx
      .selectFrom('organisations')
      .select(['id', 'name', 'contact_emails'])
      .where('id', '=', d.organisationId)
      .executeTakeFirst();
    // The CRM creates every organisation before the shop can know it: retry, then DLQ.
    if (!org) throw new Error(`organisation ${d.organisationId} not found in the CRM`);
    const recorded = await tx
      .insertInto('notifications')
      .values({
        id: uuidv7(),
        organisation_id: org.id,
        kind: 'WEBHOOK_DISABLED',
        recipients: org.contact_emails,
        subject: `Fabflow webhook disabled: ${d.url}`,
        body:
          `The webhook ${d.url} (subscription ${d.subscriptionId}) of ${org.name} has failed every ` +
          `delivery since ${d.failingSince} and was disabled at ${d.disabledAt}. Last error: ` +
          `${d.lastError ?? 'unknown'}. Fix the endpoint, re-enable the subscription, and ask for ` +
          `a redelivery of what was missed.`,
        source_event_id: e.id,
      })
      .onConflict((oc) => oc.column('source_event_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (recorded)
      logger.warn(
        {
          organisationId: org.id,
          subscriptionId: d.subscriptionId,
          recipients: org.contact_emails.length,
        },
        'notification recorded: webhook disabled (no email service; see GET /organisations/:id/notifications)',
      );
  }
}
