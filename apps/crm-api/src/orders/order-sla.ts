import { z } from 'zod';
import { ORDER_STATUSES, type OrderStatus } from '@fabflow/contracts';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** How long an order may stay in a state without any change before it counts as stuck. */
export type OrderSla = Partial<Record<OrderStatus, number>>;

/**
 * `STATUS=duration,...` with durations like `90s`, `30m`, `4h`, `2d`; states not listed have no
 * SLA (final states, for example). Every status must be one of the order statuses.
 */
export const orderSlaFromEnv = z.string().transform((raw, ctx): OrderSla => {
  const sla: OrderSla = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Z_]+)=(\d+)([smhd])$/.exec(part);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not STATUS=<number><s|m|h|d>` });
      return z.NEVER;
    }
    const status = m[1] as OrderStatus;
    if (!ORDER_STATUSES.includes(status)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown order status "${m[1]}" (one of ${ORDER_STATUSES.join(', ')})`,
      });
      return z.NEVER;
    }
    sla[status] = Number(m[2]) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  }
  return sla;
});

export const DEFAULT_ORDER_SLA =
  'AWAITING_CONFIRMATION=4h,CONFIRMED=24h,IN_PRODUCTION=5d,ON_HOLD=3d';
