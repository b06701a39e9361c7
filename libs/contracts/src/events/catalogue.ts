import type { EventDefinition } from './event-definition';
import {
  ApiKeyIssued,
  ApiKeyRevoked,
  OrganisationChanged,
  TierUpdated,
  WebhookRedeliveryRequested,
  WebhookSubscriptionDisabled,
} from './b2b.events';
import {
  CustomerRegistered,
  OrderApproved,
  OrderApprovedV2,
  OrderCancelled,
  OrderCancelledByCustomer,
  OrderPlaced,
  OrderPlacedV2,
  OrderReceived,
  OrderRejected,
} from './order.events';
import {
  PriceListPublished,
  QuoteFailed,
  QuotePriced,
  QuoteProgressed,
  QuoteRequested,
  QuoteReviewed,
} from './quote.events';
import {
  OrderCancellationApplied,
  WorkOrderCreated,
  WorkOrderCreatedV2,
  WorkOrderStatusChanged,
  WorkOrderStatusChangedV2,
} from './work-order.events';

/** Every event type of the system, for validation, docs and the handler registry. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [
  CustomerRegistered,
  OrderPlaced,
  OrderPlacedV2,
  OrderReceived,
  OrderApproved,
  OrderApprovedV2,
  OrderRejected,
  OrderCancelledByCustomer,
  OrderCancelled,
  WorkOrderCreated,
  WorkOrderCreatedV2,
  WorkOrderStatusChanged,
  WorkOrderStatusChangedV2,
  OrderCancellationApplied,
  QuoteRequested,
  PriceListPublished,
  QuoteProgressed,
  QuotePriced,
  QuoteFailed,
  QuoteReviewed,
  ApiKeyIssued,
  ApiKeyRevoked,
  TierUpdated,
  OrganisationChanged,
  WebhookRedeliveryRequested,
  WebhookSubscriptionDisabled,
];

const byType = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}
