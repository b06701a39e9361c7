import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type {
  OrderLineStatus,
  OrderStatus,
  PricedModel,
  PricingMode,
  SalesChannel,
  WorkOrderStatus,
} from '@fabflow/contracts';
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
    /** The order line it makes (a v1 order's one line has the order's id). */
    line_id: string;
    line_no: number;
    /** How many lines the order has (copied: it never changes). */
    line_count: number;
    /** Its line was cancelled (copied from the line: a cancellation is never undone). */
    line_cancelled: Generated<boolean>;
    /** The scrapped work order this one replaces (rework), else null. */
    replaces_work_order_id: ColumnType<string | null, string | null | undefined, never>;
    /** Why it is ON_HOLD; set exactly while it is. */
    hold_reason: ColumnType<string | null, string | null | undefined, string | null>;
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
  production_orders: ProductionOrdersTable;
  production_lines: ProductionLinesTable;
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

/** An order in production (migrations/20261210000000_mes_production_records.sql). */
export interface ProductionOrdersTable {
  order_id: string;
  /** Null until the approval has arrived (a cancellation may come first). */
  customer_id: string | null;
  /** Null for a v1 approval (it carries no channel) and before the approval. */
  channel: SalesChannel | null;
  line_count: number | null;
  approved_at: Date | null;
  /** Derived from the lines; null while nothing is known of them. */
  status: OrderStatus | null;
  version: Generated<number>;
  cancellation_source: 'CUSTOMER' | 'MANAGER' | null;
  cancellation_reason: string | null;
  cancelled_at: Date | null;
  pending_cancelled_line_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** One line of an order in production. */
export interface ProductionLinesTable {
  line_id: string;
  order_id: string;
  line_no: number;
  quote_id: string | null;
  quantity: number;
  status: OrderLineStatus;
  version: Generated<number>;
  cancelled: Generated<boolean>;
  cancelled_at: Date | null;
  replacements_used: Generated<number>;
  hold_reason: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
