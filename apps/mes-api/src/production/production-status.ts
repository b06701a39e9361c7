import {
  lineStatusFromWorkOrders,
  orderStatusFromLines,
  type OrderLineStatus,
  type OrderStatus,
  type WorkOrderStatus,
} from '@fabflow/contracts';

/** One line as its status is derived: cancelled or not, its work orders oldest first. */
export interface LineState {
  cancelled: boolean;
  workOrders: readonly WorkOrderStatus[];
  /** The hold reason of its live (last) work order. */
  liveHoldReason: string | null;
}

/** The hold reason of a held work order put there by a cancellation of its order line. */
export const ORDER_CANCELLED_HOLD = 'order cancelled';

export const lineStatus = (l: LineState): OrderLineStatus => lineStatusFromWorkOrders(l);

/**
 * Why a line waits for a manager (null when it does not): its live work order is held (that
 * work order's reason), scrapped with no replacement left, or cancelled on the shop floor.
 */
export function lineHoldReason(l: LineState): string | null {
  if (l.cancelled) return null;
  switch (l.workOrders.at(-1)) {
    case 'ON_HOLD':
      return l.liveHoldReason;
    case 'SCRAPPED': {
      const n = l.workOrders.filter((s) => s === 'SCRAPPED').length;
      return `scrapped ${n} time${n === 1 ? '' : 's'}: a manager decides`;
    }
    case 'CANCELLED':
      return 'work order cancelled: a manager decides';
    default:
      return null;
  }
}

/**
 * The order's status from its lines (`orderStatusFromLines`), where that leaves it unchanged
 * (every live line pending) keeping `current` — except that an order on hold is released:
 * back to IN_PRODUCTION when a live line is being remade after a scrap, else CONFIRMED. Before
 * the MES knows any line (a cancellation ahead of the approval) it is CANCELLED once the whole
 * order is, else unknown (null).
 */
export function orderStatus(
  lines: readonly LineState[],
  current: OrderStatus | null,
  wholeOrderCancelled: boolean,
): OrderStatus | null {
  if (lines.length === 0) return wholeOrderCancelled ? 'CANCELLED' : current;
  const derived = orderStatusFromLines(lines.map(lineStatus));
  if (derived) return derived;
  if (current !== null && current !== 'ON_HOLD') return current;
  const remade = lines.some((l) => !l.cancelled && l.workOrders.length > 1);
  return remade ? 'IN_PRODUCTION' : 'CONFIRMED';
}
