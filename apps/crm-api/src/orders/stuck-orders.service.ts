import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ORDER_STATUSES } from '@fabflow/contracts';
import type { Registry } from '@fabflow/observability';
import { APP_CONFIG, METRICS_REGISTRY } from '@fabflow/platform';
import type { OrderSla } from './order-sla';
import { StuckOrdersRepository } from './stuck-orders.repository';

/**
 * The stuck-order detector: an order is stuck when it has not changed for longer than the SLA
 * of its state (`STUCK_ORDER_SLA`). Prometheus reads the counts on every scrape (orders by
 * status, stuck orders by status); managers list the stuck orders through the API.
 */
@Injectable()
export class StuckOrdersService implements OnModuleInit {
  constructor(
    private readonly repo: StuckOrdersRepository,
    @Inject(APP_CONFIG) private readonly config: { STUCK_ORDER_SLA: OrderSla },
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  get sla(): OrderSla {
    return this.config.STUCK_ORDER_SLA;
  }

  onModuleInit(): void {
    const repo = this.repo;
    const sla = this.sla;
    new Gauge({
      name: 'fabflow_orders',
      help: 'Orders by status (CRM view).',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = new Map((await repo.countByStatus()).map((r) => [r.status, r.n]));
        for (const status of ORDER_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'fabflow_stuck_orders',
      help: 'Orders unchanged for longer than the SLA of their status (STUCK_ORDER_SLA).',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        for (const { status, n } of await repo.countStuck(sla)) this.set({ status }, n);
      },
    });
  }

  async list(limit: number) {
    const now = Date.now();
    return (await this.repo.stuck(this.sla, limit)).map((r) => ({
      id: r.id,
      status: r.status,
      since: r.since.toISOString(),
      stuckForSeconds: Math.round((now - r.since.getTime()) / 1000),
      slaSeconds: Math.round(Number(r.sla_ms) / 1000),
    }));
  }
}
