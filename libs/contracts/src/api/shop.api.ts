import { z } from 'zod';
import { OrderStatus } from '../statuses';

export const RegisterRequest = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(10, { message: 'must be at least 10 characters' }).max(200),
  name: z.string().trim().min(1).max(200),
});

export const CustomerView = z.object({ id: z.uuid(), email: z.email(), name: z.string() });

/** `POST /orders`: order a READY quote (its model, material, quantity and price). */
export const PlaceOrderRequest = z.strictObject({
  quoteId: z.uuid({ message: 'must be a UUID' }),
});

export const OrderStatusEntry = z.object({
  status: OrderStatus,
  at: z.iso.datetime({ offset: true }),
  source: z.string(),
  note: z.string().nullable(),
});

export const ShopOrderView = z.object({
  id: z.uuid(),
  status: OrderStatus,
  /** The quote the order was placed from (null only for orders of the former fixed catalogue). */
  quoteId: z.uuid().nullable(),
  name: z.string(),
  material: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  totalCents: z.number().int(),
  currency: z.string(),
  placedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  history: z.array(OrderStatusEntry),
});

export const ShopOrderList = z.object({ items: z.array(ShopOrderView.omit({ history: true })) });
