import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { QUOTE_STATUSES, type QuoteStatus } from '@fabflow/contracts';
import type { Registry } from '@fabflow/observability';
import { METRICS_REGISTRY } from '@fabflow/platform';
import { QuotesRepository } from './quotes.repository';

/** Where quotes end up; counted when the change commits. */
export const QUOTE_OUTCOMES = [
  'READY',
  'NEEDS_REVIEW',
  'FAILED',
  'ACCEPTED',
  'EXPIRED',
] as const satisfies QuoteStatus[];
export type QuoteOutcome = (typeof QUOTE_OUTCOMES)[number];

/**
 * Quotes on /metrics: how many are in each status (read from the database on each scrape,
 * so every instance reports the same), what this instance saw them become, how many were
 * requested, and how many progress streams are open.
 */
@Injectable()
export class QuoteMetrics {
  private readonly requested: Counter;
  private readonly outcomes: Counter<'status'>;
  readonly openStreams: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, quotes: QuotesRepository) {
    new Gauge({
      name: 'fabflow_quotes',
      help: 'Quotes by status (shop view).',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const counts = new Map((await quotes.countByStatus()).map((r) => [r.status, r.n]));
        for (const status of QUOTE_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    this.requested = new Counter({
      name: 'fabflow_quotes_requested_total',
      help: 'Quotes requested (POST /quotes accepted, replays not counted).',
      registers: [registry],
    });
    this.outcomes = new Counter({
      name: 'fabflow_quote_outcomes_total',
      help: 'Quotes that became READY, NEEDS_REVIEW, FAILED (priced by the MES), ACCEPTED (ordered) or EXPIRED.',
      labelNames: ['status'],
      registers: [registry],
    });
    this.openStreams = new Gauge({
      name: 'fabflow_quote_event_streams',
      help: 'Open quote progress streams (GET /quotes/:id/events) on this instance.',
      registers: [registry],
    });
    this.requested.inc(0);
    for (const status of QUOTE_OUTCOMES) this.outcomes.inc({ status }, 0);
  }

  quoteRequested(): void {
    this.requested.inc();
  }

  outcome(status: QuoteOutcome, n = 1): void {
    this.outcomes.inc({ status }, n);
  }
}
