import { WORK_ORDER_TRANSITIONS, type WorkOrderStatus } from '@fabflow/contracts';

/** What a held part of a cancelled line may still become: scrap, or stock (CANCELLED). */
export const CANCELLED_LINE_MOVES: readonly WorkOrderStatus[] = ['SCRAPPED', 'CANCELLED'];

/** The moves a work order has: the table's, fewer once its line is cancelled. */
export function allowedMoves(wo: {
  status: WorkOrderStatus;
  line_cancelled: boolean;
}): WorkOrderStatus[] {
  const all = WORK_ORDER_TRANSITIONS[wo.status];
  return wo.line_cancelled ? all.filter((s) => CANCELLED_LINE_MOVES.includes(s)) : [...all];
}
