import type { ColumnType, Generated } from 'kysely';
import type { PricedModel, PricingMode } from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';
import type { PricingJobsTables } from '@fabflow/pricing-jobs';

/**
 * The MES tables the worker reads and writes. The MES owns them (mes-api migrations); the worker
 * is the MES's calculation arm and writes results and outbox rows into the same database.
 * `pricing_jobs` is declared once, in @fabflow/pricing-jobs, for both.
 */
export interface WorkerDatabase extends MessagingTables, PricingJobsTables {
  pricing_results_cache: {
    cache_key: string;
    file_sha256: string;
    mode: PricingMode;
    price_list_version: string;
    engine_version: string;
    params: ColumnType<unknown, string, never>;
    result: ColumnType<PricedModel, string, never>;
    created_at: ColumnType<Date, never, never>;
    hits: Generated<number>;
    last_used_at: ColumnType<Date, never, Date>;
  };
  price_lists: {
    version: string;
    body: unknown;
    active: boolean;
  };
  machines: {
    id: string;
    technology: 'FDM' | 'SLA' | 'SLS' | 'MJF';
    build_x_mm: string;
    build_y_mm: string;
    build_z_mm: string;
    active: boolean;
  };
}
