// The event every system carries: an OrderPlaced with the same payload and headers.
import { OrderPlaced, uuidv7 } from './libs.mjs';

const CUSTOMER = '01890000-0000-7000-8000-00000000c0de';

export function orderData(orderId) {
  return {
    orderId,
    customerId: CUSTOMER,
    item: {
      quoteId: '01890000-0000-7000-8000-0000000b0a7e',
      name: 'bench-bracket.stl',
      material: 'pla-black',
      quantity: 2,
      unitPriceCents: 1250,
    },
    totalCents: 2500,
    currency: 'EUR',
    placedAt: new Date().toISOString(),
  };
}

/** The envelope the shop would give an OrderPlaced, for the ceilings that bypass the library. */
export function shopEnvelope(subject) {
  return {
    id: uuidv7(),
    type: OrderPlaced.type,
    source: 'fabflow/shop',
    subject,
    time: new Date().toISOString(),
    version: 1,
  };
}
