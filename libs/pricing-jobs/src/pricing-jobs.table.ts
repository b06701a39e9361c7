import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type {
  LeadTimeTier,
  ModelFormat,
  ModelUnit,
  PricedModel,
  PricingJobStatus,
  PricingMode,
  SalesChannel,
} from '@fabflow/contracts';

/**
 * One pricing job per quote, in the MES database. The MES owns the table (mes-api's migrations
 * 20261201100000_mes_pricing_jobs.sql and 20261203100000_mes_pricing_caps.sql): mes-api records
 * and dispatches jobs, the pricing worker runs them and writes their results.
 */
export interface PricingJobsTable {
  quote_id: string;
  customer_id: string;
  channel: SalesChannel;
  account_id: string | null;
  /** The B2B account's tier cap on jobs in flight when the quote was requested (null: none). */
  max_concurrent_jobs: ColumnType<number | null, number | null | undefined, never>;
  priority: number;
  /** The shop's ModelFileRef. */
  file: ColumnType<ModelFileColumn, string, string>;
  material_id: string;
  quantity: number;
  lead_time: LeadTimeTier;
  requested_mode: PricingMode;
  mode: PricingMode | null;
  status: Generated<PricingJobStatus>;
  correlation_id: string | null;
  trace_context: ColumnType<{ traceparent?: string; tracestate?: string } | null, string | null>;
  requested_at: Date;
  created_at: ColumnType<Date, never, never>;
  enqueued_at: Date | null;
  started_at: Date | null;
  attempts: Generated<number>;
  finished_at: Date | null;
  progress_stage: string | null;
  progress_overall: number | null;
  result: ColumnType<PricedModel | null, string | null, string | null>;
  price_list_version: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  cache_hit: boolean | null;
  version: Generated<number>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** The model file of a job (the shop's ModelFileRef, stored as JSON). */
export interface ModelFileColumn {
  fileId: string;
  bucket: string;
  key: string;
  sha256: string;
  sizeBytes: number;
  format: ModelFormat;
  unit: ModelUnit;
  filename: string;
}

/** The part of a database schema this library works on; each side's schema extends it. */
export interface PricingJobsTables {
  pricing_jobs: PricingJobsTable;
}

export type PricingJobRow = Selectable<PricingJobsTable>;
export type NewPricingJob = Insertable<PricingJobsTable>;
