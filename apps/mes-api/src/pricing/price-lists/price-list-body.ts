import { z } from 'zod';
import { LEAD_TIME_TIERS, PriceListPublished, type EventData } from '@fabflow/contracts';

/**
 * The parts of a stored price list (the pricing engine's PriceList, which only the worker may
 * validate in full) that the MES announces to the shop: currency, materials, lead times.
 * Unknown fields pass: the engine owns the rest of the body.
 */
export const PriceListAnnouncement = z.object({
  version: z.string().min(1),
  currency: z.string().length(3),
  materials: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        technology: z.enum(['FDM', 'SLA', 'SLS', 'MJF']),
      }),
    )
    .min(1),
  leadTimes: z.record(
    z.enum(LEAD_TIME_TIERS),
    z.object({ businessDays: z.number().int().nonnegative() }),
  ),
});

/** The PriceListPublished data of a stored price list; throws (zod) when the body lacks a part. */
export function toPriceListPublished(
  body: unknown,
  publishedAt: Date,
): EventData<typeof PriceListPublished> {
  const list = PriceListAnnouncement.parse(body);
  return {
    priceListVersion: list.version,
    currency: list.currency,
    materials: list.materials.map((m) => ({ id: m.id, name: m.name, technology: m.technology })),
    leadTimes: LEAD_TIME_TIERS.flatMap((tier) => {
      const lt = list.leadTimes[tier];
      return lt ? [{ tier, businessDays: lt.businessDays }] : [];
    }),
    publishedAt: publishedAt.toISOString(),
  };
}

/** Materials of a stored body for listings; empty when the body does not have them. */
export function materialsOf(body: unknown): EventData<typeof PriceListPublished>['materials'] {
  const parsed = PriceListAnnouncement.pick({ materials: true }).safeParse(body);
  return parsed.success ? parsed.data.materials : [];
}
