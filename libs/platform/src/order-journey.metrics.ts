import { Inject, Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from './metrics.controller';

/** The hand-offs of an order between services that no person waits on (docs/slo.md). */
export type OrderJourneyLeg = 'placed_to_crm' | 'approved_to_mes';

/**
 * The order-journey SLI (docs/slo.md): how long after it happened an order's hand-off is visible
 * in the next service — a placed order in the CRM's queue (`placed_to_crm`, from `placedAt`), an
 * approved order as a work order in the MES (`approved_to_mes`, from the approval event's time).
 * Observed once per order, after the receiving service's transaction committed; the manager's
 * own decision between the two is not the system's time and is not in it.
 */
@Injectable()
export class OrderJourneyMetrics {
  private readonly handoff: Histogram<'leg'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.handoff = new Histogram({
      name: 'fabflow_order_handoff_seconds',
      help: 'Time from an order event (placed, approved) to the order being visible in the next service (CRM queue, MES work order).',
      labelNames: ['leg'],
      // 30 s is the SLO's threshold (docs/slo.md): it must be a bucket boundary.
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    });
  }

  /** Records a hand-off that happened at `since` (an ISO time) and is visible now. */
  observe(leg: OrderJourneyLeg, since: string): void {
    const seconds = (Date.now() - Date.parse(since)) / 1000;
    if (Number.isFinite(seconds)) this.handoff.observe({ leg }, Math.max(0, seconds));
  }
}
