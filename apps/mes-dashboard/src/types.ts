// The API's shapes, from the same zod schemas that validate them on the server (types only:
// nothing of zod or the contracts library ends up in the page).
import type { z } from 'zod';
import type {
  MachineView,
  TokenResponse,
  WorkOrderCounts,
  WorkOrderDetail,
  WorkOrderList,
  WorkOrderLiveEvent,
  WorkOrderStatus,
  WorkOrderView,
  WorkQueueFilterOptions,
} from '@fabflow/contracts';

export type Status = z.infer<typeof WorkOrderStatus>;
export type WorkOrder = z.infer<typeof WorkOrderView>;
export type Detail = z.infer<typeof WorkOrderDetail>;
export type Page = z.infer<typeof WorkOrderList>;
export type Counts = z.infer<typeof WorkOrderCounts>;
export type FilterOptions = z.infer<typeof WorkQueueFilterOptions>;
export type Machine = z.infer<typeof MachineView>;
export type LiveEvent = WorkOrderLiveEvent;
export type Login = z.infer<typeof TokenResponse>;

/** What the operator picked; empty statuses mean the open ones (the server's default). */
export interface Filters {
  statuses: Status[];
  priority: '' | 'NORMAL' | 'RUSH';
  machine: string;
  material: string;
  /** YYYY-MM-DD, inclusive. */
  dueFrom: string;
  dueTo: string;
  assignee: 'any' | 'me' | 'unassigned';
  overdue: boolean;
}

export const NO_FILTERS: Filters = {
  statuses: [],
  priority: '',
  machine: '',
  material: '',
  dueFrom: '',
  dueTo: '',
  assignee: 'any',
  overdue: false,
};

/** A staff session in this tab: the tokens of the CRM, and who it is. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch, this browser's clock). */
  accessExpiresAt: number;
  userId: string;
  role: string;
  email: string;
}

/** Where the page logs in, refreshes and logs out (GET /dashboard/config.json). */
export interface AuthUrls {
  loginUrl: string;
  refreshUrl: string;
  logoutUrl: string;
}
