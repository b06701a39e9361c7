/**
 * The queue of every consuming service's subscription (one quorum queue each, with
 * `<queue>.retry.N` delay queues and a `<queue>.dlq`). The services subscribe under these
 * names and the DLQ tooling manages exactly these queues, so they are named once, here.
 */
export const SUBSCRIPTION_QUEUES = {
  shop: { orderStatus: 'shop.order-status' },
  crm: { accounts: 'crm.accounts', orders: 'crm.orders' },
  mes: { orders: 'mes.orders' },
} as const;

/** Every subscription queue of the system, in a stable order. */
export const ALL_SUBSCRIPTION_QUEUES: readonly string[] = Object.values(
  SUBSCRIPTION_QUEUES,
).flatMap((queues) => Object.values(queues));
