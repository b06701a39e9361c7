import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Principal } from '@fabflow/auth';
import { OrderPlaced } from '@fabflow/contracts';
import { isUniqueViolation, uuidv7 } from '@fabflow/db';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import { CatalogRepository } from '../catalog/catalog.repository';
import type { ShopDatabase } from '../shop.database';
import { OrdersRepository } from './orders.repository';

type OrderRow = NonNullable<Awaited<ReturnType<OrdersRepository['findOwned']>>>;

type HistoryRow = Awaited<ReturnType<OrdersRepository['history']>>[number];

export interface PlaceOrderResult {
  order: OrderRow;
  history: HistoryRow[];
  replayed: boolean;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly catalog: CatalogRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  /**
   * Writes the order and its `OrderPlaced` event in one transaction. With an Idempotency-Key,
   * a retry of the same request returns the first order; the same key with another body is refused.
   */
  async place(
    customerId: string,
    input: { sku: string; quantity: number },
    idempotencyKey?: string,
  ): Promise<PlaceOrderResult> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.sku, input.quantity]))
      .digest('hex');
    if (idempotencyKey) {
      const existing = await this.orders.findByIdempotencyKey(customerId, idempotencyKey);
      if (existing) return this.replay(existing, requestHash);
    }
    const item = await this.catalog.findActive(input.sku);
    if (!item)
      throw new UnprocessableEntityException(`unknown sku "${input.sku}"; see GET /catalog`);
    const id = uuidv7();
    annotateContext('order_id', id);
    const placedAt = new Date();
    const total = item.unit_price_cents * input.quantity;
    try {
      await this.uow.run(async (tx, events) => {
        await this.orders.insert(
          tx,
          {
            id,
            customer_id: customerId,
            sku: item.sku,
            name: item.name,
            material: item.material,
            quantity: input.quantity,
            unit_price_cents: item.unit_price_cents,
            total_cents: total,
            currency: item.currency,
            status: 'PLACED',
            idempotency_key: idempotencyKey ?? null,
            request_hash: idempotencyKey ? requestHash : null,
          },
          placedAt,
        );
        await events.emit(
          OrderPlaced,
          {
            orderId: id,
            customerId,
            item: {
              sku: item.sku,
              name: item.name,
              material: item.material,
              quantity: input.quantity,
              unitPriceCents: item.unit_price_cents,
            },
            totalCents: total,
            currency: item.currency,
            placedAt: placedAt.toISOString(),
          },
          { subject: id, version: 1 },
        );
      });
    } catch (err) {
      // A concurrent request with the same key won the race: answer as its replay.
      if (idempotencyKey && isUniqueViolation(err, 'orders_idempotency_key')) {
        const existing = await this.orders.findByIdempotencyKey(customerId, idempotencyKey);
        if (existing) return this.replay(existing, requestHash);
      }
      throw err;
    }
    const order = (await this.orders.findOwned(id, customerId))!;
    return { order, history: await this.orders.history(id), replayed: false };
  }

  async get(id: string, caller: Principal) {
    const order = await this.orders.findOwned(
      id,
      caller.role === 'admin' ? undefined : caller.userId,
    );
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return { order, history: await this.orders.history(id) };
  }

  list(customerId: string) {
    return this.orders.listByCustomer(customerId, 100);
  }

  private async replay(existing: OrderRow, requestHash: string): Promise<PlaceOrderResult> {
    if (existing.request_hash !== requestHash) {
      throw new UnprocessableEntityException(
        'this Idempotency-Key was already used with a different request body',
      );
    }
    return { order: existing, history: await this.orders.history(existing.id), replayed: true };
  }
}
