import { PricingError } from './errors.js';
import type { LeadTime, MaterialPrice, PriceList } from './price-list.js';

/** Quantities the cost model prices. Volumes are per part. */
export interface CostInput {
  priceList: PriceList;
  material: MaterialPrice;
  quantity: number;
  leadTime: LeadTime;
  partVolumeMm3: number;
  /** Support material actually printed per part (envelope × support density). */
  supportMaterialMm3: number;
  /** Machine time for the whole order, all builds. */
  machineSeconds: number;
  builds: number;
}

/**
 * Price breakdown in integer minor units. Each line is rounded on its own so the lines add
 * up exactly: `subtotal − quantityDiscount + leadTimeAdjustment + minimumPriceAdjustment = total`.
 */
export interface CostBreakdown {
  currency: string;
  priceListVersion: string;
  materialId: string;
  quantity: number;
  leadTime: LeadTime;
  /** Part mass from the material density, grams, for shipping. */
  partMassG: number;
  material: number;
  support: number;
  machineTime: number;
  setup: number;
  postProcessing: number;
  subtotal: number;
  quantityDiscountPercent: number;
  /** Amount taken off the subtotal (>= 0). */
  quantityDiscount: number;
  leadTimeMultiplier: number;
  /** Added (express) or removed (economy, negative) after the discount. */
  leadTimeAdjustment: number;
  /** Top-up to the price list minimum (>= 0). */
  minimumPriceAdjustment: number;
  total: number;
  /** `total / quantity` rounded; informative, `total` is what is charged. */
  unitPrice: number;
}

/** Half away from zero, after removing float noise (9595 × (0.9 − 1) is −959.4999999999998). */
function roundCents(value: number): number {
  const rounded = Math.sign(value) * Math.round(Number(Math.abs(value).toFixed(6)));
  return rounded === 0 ? 0 : rounded;
}

/**
 * Applies the price list: material and support by volume, machine time by the technology's
 * hourly rate, setup per build, post-processing per part; then the best quantity break, the
 * lead-time multiplier, and finally the minimum price.
 */
export function computeCost(input: CostInput): CostBreakdown {
  const { priceList, material, quantity } = input;
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new PricingError(
      'INVALID_QUANTITY',
      `Quantity must be a whole number of at least 1 (got ${quantity}).`,
    );
  }
  if (!(input.partVolumeMm3 > 0)) {
    throw new PricingError(
      'NON_POSITIVE_VOLUME',
      'A part without a positive volume cannot be priced.',
      {
        volumeMm3: input.partVolumeMm3,
      },
    );
  }
  const volumeCm3 = input.partVolumeMm3 / 1000;
  const materialCents = roundCents(volumeCm3 * quantity * material.pricePerCm3Cents);
  const support = roundCents(
    (input.supportMaterialMm3 / 1000) * quantity * priceList.supportPricePerCm3Cents,
  );
  const machineTime = roundCents(
    (input.machineSeconds / 3600) * priceList.machineHourlyRateCents[material.technology],
  );
  const setup = input.builds * priceList.setupFeePerBuildCents;
  const postProcessing = quantity * priceList.postProcessingPerPartCents;
  const subtotal = materialCents + support + machineTime + setup + postProcessing;

  let discountPercent = 0;
  for (const tier of priceList.quantityBreaks) {
    if (quantity >= tier.minQuantity)
      discountPercent = Math.max(discountPercent, tier.discountPercent);
  }
  const quantityDiscount = roundCents((subtotal * discountPercent) / 100);
  const multiplier = priceList.leadTimes[input.leadTime].multiplier;
  const leadTimeAdjustment = roundCents((subtotal - quantityDiscount) * (multiplier - 1));
  const beforeMinimum = subtotal - quantityDiscount + leadTimeAdjustment;
  const minimumPriceAdjustment = Math.max(0, priceList.minimumPriceCents - beforeMinimum);
  const total = beforeMinimum + minimumPriceAdjustment;
  return {
    currency: priceList.currency,
    priceListVersion: priceList.version,
    materialId: material.id,
    quantity,
    leadTime: input.leadTime,
    partMassG: volumeCm3 * material.densityGPerCm3,
    material: materialCents,
    support,
    machineTime,
    setup,
    postProcessing,
    subtotal,
    quantityDiscountPercent: discountPercent,
    quantityDiscount,
    leadTimeMultiplier: multiplier,
    leadTimeAdjustment,
    minimumPriceAdjustment,
    total,
    unitPrice: roundCents(total / quantity),
  };
}
