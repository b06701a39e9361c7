import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type { PricedModel, PricingMode, WorkOrderStatus } from '@fabflow/contracts';
import type { MessagingTables } from '@fabflow/messaging';
import type { PricingJobsTables } from '@fabflow/pricing-jobs';

/** The MES database. `pricing_jobs` is declared once, in @fabflow/pricing-jobs: the worker writes it too. */
export interface MesDatabase extends MessagingTables, PricingJobsTables {
  machines: {
    id: string;
    name: string;
    technology: 'FDM' | 'SLA' | 'SLS' | 'MJF';
    /** numeric columns come back from pg as strings. */
    build_x_mm: ColumnType<string, number, number>;
    build_y_mm: ColumnType<string, number, number>;
    build_z_mm: ColumnType<string, number, number>;
    active: Generated<boolean>;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  price_lists: {
    version: string;
    /** The pricing engine's PriceList, validated with validatePriceList where it is used. */
    body: unknown;
    active: Generated<boolean>;
    created_at: ColumnType<Date, Date | undefined, never>;
    activated_at: Date | null;
    /** When PriceListPublished was written for it; null: the shop has not been told yet. */
    published_at: Date | null;
  };
  pricing_results_cache: {
    cache_key: string;
    file_sha256: string;
    mode: PricingMode;
    price_list_version: string;
    engine_version: string;
    params: unknown;
    result: PricedModel;
    created_at: ColumnType<Date, Date | undefined, never>;
    hits: Generated<number>;
    last_used_at: ColumnType<Date, Date | undefined, Date>;
  };
  work_orders: {
    id: string;
    order_id: string;
    status: WorkOrderStatus;
    sku: string;
    material: string;
    quantity: number;
    priority: 'NORMAL' | 'RUSH';
    assignee_id: string | null;
    /** The quote the order was placed from (null for orders from before quotes). */
    quote_id: string | null;
    machine_id: string | null;
    /** 0 for RUSH, 1 for NORMAL: the first sort key of the work queue (generated). */
    queue_rank: GeneratedAlways<number>;
    good_quantity: Generated<number>;
    scrap_quantity: Generated<number>;
    rework_quantity: Generated<number>;
    version: Generated<number>;
    due_at: Date;
    created_at: ColumnType<Date, Date | undefined, never>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  work_order_notes: {
    id: Generated<number>;
    work_order_id: string;
    author_id: string;
    body: string;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  work_order_quantity_reports: {
    id: Generated<number>;
    work_order_id: string;
    good: number;
    scrap: number;
    rework: number;
    reported_by: string;
    at: ColumnType<Date, Date | undefined, never>;
  };
  /** Work orders counted by status and every other counts filter; kept by triggers. */
  work_order_counts: {
    status: WorkOrderStatus;
    priority: 'NORMAL' | 'RUSH';
    /** '' for none. */
    machine_id: string;
    material: string;
    /** The nil uuid for unassigned. */
    assignee_id: string;
    n: number;
  };
  work_order_history: {
    id: Generated<number>;
    work_order_id: string;
    from_status: WorkOrderStatus | null;
    to_status: WorkOrderStatus;
    changed_by: string | null;
    reason: string | null;
    at: ColumnType<Date, Date | undefined, never>;
  };
}
