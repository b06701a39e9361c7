import type { Selectable } from 'kysely';
import type { WebhookTables } from '../../notifications/webhooks/webhooks.database';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWebhookView(s: Selectable<WebhookTables['b2b_webhook_subscriptions']>) {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description,
    status: s.status === 'ACTIVE' ? ('ACTIVE' as const) : ('DISABLED' as const),
    disabledReason: s.disabled_reason,
    failingSince: iso(s.failing_since),
    previousSecretExpiresAt:
      s.previous_secret_expires_at && s.previous_secret_expires_at > new Date()
        ? s.previous_secret_expires_at.toISOString()
        : null,
    createdAt: s.created_at.toISOString(),
  };
}

export function toDeliveryView(d: Selectable<WebhookTables['b2b_webhook_deliveries']>) {
  return {
    id: d.id,
    subscriptionId: d.subscription_id,
    eventId: d.event_id,
    eventType: d.event_type,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'PENDING' ? d.next_attempt_at.toISOString() : null,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    deliveredAt: iso(d.delivered_at),
  };
}

export function toAttemptView(a: Selectable<WebhookTables['b2b_webhook_attempts']>) {
  return {
    attempt: a.attempt,
    startedAt: a.started_at.toISOString(),
    durationMs: a.duration_ms,
    statusCode: a.status_code,
    error: a.error,
    outcome: a.outcome,
  };
}
