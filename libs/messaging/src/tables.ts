import type { ColumnType, Generated } from 'kysely';
import { join } from 'node:path';

export interface OutboxTable {
  id: string;
  exchange: string;
  routing_key: string;
  type: string;
  subject: string;
  aggregate_version: number;
  payload: unknown;
  headers: Record<string, string>;
  created_at: ColumnType<Date, never, never>;
  published_at: ColumnType<Date | null, never, Date | null>;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface InboxTable {
  consumer: string;
  message_id: string;
  type: string;
  received_at: ColumnType<Date, never, never>;
}

/** The tables every service's database gets from this library's migrations. */
export interface MessagingTables {
  outbox: OutboxTable;
  inbox: InboxTable;
}

/** Folder of this library's SQL migrations; each service applies them with its own. */
export const MESSAGING_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
