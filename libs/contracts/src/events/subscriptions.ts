/**
 * The queue of every consuming service's subscription (one quorum queue each, with
 * `<queue>.retry.N` delay queues and a `<queue>.dlq`). The services subscribe under these
 * names and the DLQ tooling manages exactly these queues, so they are named once, here.
 */
export const SUBSCRIPTION_QUEUES = {
  shop: {
    orderStatus: 'shop.order-status',
    quotes: 'shop.quotes',
    priceLists: 'shop.price-lists',
    /** API keys, organisations and tiers from the CRM: the B2B projection. */
    b2bKeys: 'shop.b2b-keys',
    /** Webhook redelivery requests from the CRM. */
    b2bWebhooks: 'shop.b2b-webhooks',
  },
  crm: {
    accounts: 'crm.accounts',
    orders: 'crm.orders',
    /** NEEDS_REVIEW quotes from the MES: the review queue. */
    quoteReviews: 'crm.quote-reviews',
  },
  mes: { orders: 'mes.orders', quotes: 'mes.quotes' },
} as const;

/** Every subscription queue of the system, in a stable order. */
export const ALL_SUBSCRIPTION_QUEUES: readonly string[] = Object.values(
  SUBSCRIPTION_QUEUES,
).flatMap((queues) => Object.values(queues));
