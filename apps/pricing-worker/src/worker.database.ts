import type { ColumnType, Generated } from 'kysely';
import type {
  LeadTimeTier,
  ModelFormat,
  ModelUnit,
  PricedModel,
  PricingJobStatus,
  PricingMode,
  SalesChannel,
} from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';

/**
 * The MES tables the worker reads and writes. The MES owns them (mes-api migrations); the worker
 * is the MES's calculation arm and writes results and outbox rows into the same database.
 */
export interface WorkerDatabase extends MessagingTables {
  pricing_jobs: {
    quote_id: string;
    customer_id: string;
    channel: SalesChannel;
    account_id: string | null;
    priority: number;
    file: {
      fileId: string;
      bucket: string;
      key: string;
      sha256: string;
      sizeBytes: number;
      format: ModelFormat;
      unit: ModelUnit;
      filename: string;
    };
    material_id: string;
    quantity: number;
    lead_time: LeadTimeTier;
    requested_mode: PricingMode;
    mode: PricingMode | null;
    status: PricingJobStatus;
    correlation_id: string | null;
    trace_context: unknown;
    requested_at: Date;
    created_at: ColumnType<Date, never, never>;
    enqueued_at: Date | null;
    started_at: Date | null;
    attempts: number;
    finished_at: Date | null;
    progress_stage: string | null;
    progress_overall: number | null;
    result: ColumnType<PricedModel | null, never, string | null>;
    price_list_version: string | null;
    failure_code: string | null;
    failure_reason: string | null;
    cache_hit: boolean | null;
    version: number;
    updated_at: Date;
  };
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
