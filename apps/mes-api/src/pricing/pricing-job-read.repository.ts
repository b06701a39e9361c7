import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { PricedModel, PricingJobStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { PricingJobRow } from '@fabflow/pricing-jobs';
import type { MesDatabase } from '../mes.database';

/**
 * A quote's pricing outcome as the MES shows it (the work-order detail, operators): the priced
 * model summary and price breakdown once DONE, the reason once FAILED.
 */
export interface PricingOutcome {
  quoteId: string;
  status: PricingJobStatus;
  mode: PricedModel['mode'] | null;
  result: PricedModel | null;
  failure: { code: string; reason: string } | null;
  finishedAt: Date | null;
}

/**
 * The MES's reads of pricing jobs: a job by quote id (the pricing API), its outcome (the
 * work-order detail) and the machine it planned (a new work order). Recording and dispatching
 * jobs is PricingJobDispatchRepository's (@fabflow/pricing-jobs).
 */
@Injectable()
export class PricingJobReadRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  find(quoteId: string): Promise<PricingJobRow | undefined> {
    return this.db
      .selectFrom('pricing_jobs')
      .selectAll()
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
  }

  /** The priced model and breakdown (or the failure) of a quote; undefined for an unknown quote. */
  async findResultByQuoteId(quoteId: string): Promise<PricingOutcome | undefined> {
    const row = await this.db
      .selectFrom('pricing_jobs')
      .select([
        'quote_id',
        'status',
        'mode',
        'result',
        'failure_code',
        'failure_reason',
        'finished_at',
      ])
      .where('quote_id', '=', quoteId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      quoteId: row.quote_id,
      status: row.status,
      mode: row.mode,
      result: row.status === 'DONE' ? row.result : null,
      failure:
        row.status === 'FAILED' && row.failure_code
          ? { code: row.failure_code, reason: row.failure_reason ?? '' }
          : null,
      finishedAt: row.finished_at,
    };
  }

  /**
   * The machine the pricing engine planned a quote's parts on, when its job is DONE and the
   * machine is still on the shop floor; undefined otherwise (an order made before pricing, or a
   * fixture quote in tests): the operator assigns one then.
   */
  async plannedMachine(tx: Transaction<MesDatabase>, quoteId: string): Promise<string | undefined> {
    const row = await tx
      .selectFrom('pricing_jobs as j')
      .innerJoin('machines as m', (join) =>
        join.on(sql<string>`j.result->>'machineId'`, '=', sql.ref('m.id')),
      )
      .select('m.id')
      .where('j.quote_id', '=', quoteId)
      .where('j.status', '=', 'DONE')
      .executeTakeFirst();
    return row?.id;
  }
}
