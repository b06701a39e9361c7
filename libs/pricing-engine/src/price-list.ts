import { TECHNOLOGIES, type Technology } from './types.js';

/** Delivery speed chosen by the customer. */
export type LeadTime = 'ECONOMY' | 'STANDARD' | 'EXPRESS';

/** Lead times in a stable order. */
export const LEAD_TIMES: readonly LeadTime[] = ['ECONOMY', 'STANDARD', 'EXPRESS'];

/** A material offered for one technology. Money is in minor units (cents). */
export interface MaterialPrice {
  id: string;
  name: string;
  technology: Technology;
  /** May be fractional; only the computed lines are rounded to whole cents. */
  pricePerCm3Cents: number;
  densityGPerCm3: number;
}

/** From `minQuantity` copies on, the subtotal is discounted by `discountPercent`. */
export interface QuantityBreak {
  minQuantity: number;
  discountPercent: number;
}

/** Price multiplier and promised business days for a lead time. */
export interface LeadTimeTier {
  multiplier: number;
  businessDays: number;
}

/** Versioned price list as the MES stores it. All money in integer or fractional cents. */
export interface PriceList {
  version: string;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
  materials: MaterialPrice[];
  /** Support material printed (envelope × support density), per cm³. */
  supportPricePerCm3Cents: number;
  machineHourlyRateCents: Record<Technology, number>;
  setupFeePerBuildCents: number;
  postProcessingPerPartCents: number;
  /** Smallest order total. */
  minimumPriceCents: number;
  quantityBreaks: QuantityBreak[];
  leadTimes: Record<LeadTime, LeadTimeTier>;
  /** Totals above this go to a human. Optional. */
  reviewAbovePriceCents?: number;
}

/** Outcome of {@link validatePriceList}: a clean copy, or every problem found. */
export type PriceListValidation = { ok: true; value: PriceList } | { ok: false; errors: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly errors: string[] = [];

  text(value: unknown, path: string): string {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.errors.push(`${path} must be a non-empty string`);
    return '';
  }

  amount(
    value: unknown,
    path: string,
    options: { integer?: boolean; positive?: boolean; max?: number } = {},
  ): number {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (options.positive ? value > 0 : value >= 0) &&
      (!options.integer || Number.isInteger(value)) &&
      (options.max === undefined || value <= options.max);
    if (ok) return value;
    const kind = `${options.positive ? 'positive' : 'non-negative'} ${options.integer ? 'integer' : 'number'}`;
    this.errors.push(
      `${path} must be a ${kind}${options.max === undefined ? '' : ` ≤ ${options.max}`}`,
    );
    return 0;
  }
}

/**
 * Validates an untrusted price list (e.g. from the database) without a schema library and
 * returns a copy holding only known fields, quantity breaks sorted ascending.
 */
export function validatePriceList(input: unknown): PriceListValidation {
  const check = new Checker();
  if (!isRecord(input)) return { ok: false, errors: ['price list must be an object'] };
  const version = check.text(input.version, 'version');
  const currency = check.text(input.currency, 'currency');
  if (currency !== '' && !/^[A-Z]{3}$/.test(currency))
    check.errors.push('currency must be an ISO 4217 code');

  const materials: MaterialPrice[] = [];
  if (!Array.isArray(input.materials) || input.materials.length === 0) {
    check.errors.push('materials must be a non-empty array');
  } else {
    const seen = new Set<string>();
    (input.materials as unknown[]).forEach((raw, i) => {
      const path = `materials[${i}]`;
      if (!isRecord(raw)) {
        check.errors.push(`${path} must be an object`);
        return;
      }
      const id = check.text(raw.id, `${path}.id`);
      if (seen.has(id)) check.errors.push(`${path}.id "${id}" is duplicated`);
      seen.add(id);
      const technology = raw.technology;
      if (!TECHNOLOGIES.includes(technology as Technology)) {
        check.errors.push(`${path}.technology must be one of ${TECHNOLOGIES.join(', ')}`);
      }
      materials.push({
        id,
        name: check.text(raw.name, `${path}.name`),
        technology: technology as Technology,
        pricePerCm3Cents: check.amount(raw.pricePerCm3Cents, `${path}.pricePerCm3Cents`),
        densityGPerCm3: check.amount(raw.densityGPerCm3, `${path}.densityGPerCm3`, {
          positive: true,
        }),
      });
    });
  }

  const rates = isRecord(input.machineHourlyRateCents) ? input.machineHourlyRateCents : {};
  if (!isRecord(input.machineHourlyRateCents))
    check.errors.push('machineHourlyRateCents must be an object');
  const machineHourlyRateCents = Object.fromEntries(
    TECHNOLOGIES.map((t) => [t, check.amount(rates[t], `machineHourlyRateCents.${t}`)]),
  ) as Record<Technology, number>;

  const quantityBreaks: QuantityBreak[] = [];
  if (!Array.isArray(input.quantityBreaks)) {
    check.errors.push('quantityBreaks must be an array');
  } else {
    (input.quantityBreaks as unknown[]).forEach((raw, i) => {
      const path = `quantityBreaks[${i}]`;
      if (!isRecord(raw)) {
        check.errors.push(`${path} must be an object`);
        return;
      }
      quantityBreaks.push({
        minQuantity: check.amount(raw.minQuantity, `${path}.minQuantity`, {
          integer: true,
          positive: true,
        }),
        discountPercent: check.amount(raw.discountPercent, `${path}.discountPercent`, { max: 99 }),
      });
    });
    quantityBreaks.sort((a, b) => a.minQuantity - b.minQuantity);
  }

  const tiers = isRecord(input.leadTimes) ? input.leadTimes : {};
  if (!isRecord(input.leadTimes)) check.errors.push('leadTimes must be an object');
  const leadTimes = Object.fromEntries(
    LEAD_TIMES.map((lt) => {
      const tier = isRecord(tiers[lt]) ? tiers[lt] : {};
      if (!isRecord(tiers[lt])) check.errors.push(`leadTimes.${lt} must be an object`);
      return [
        lt,
        {
          multiplier: check.amount(tier.multiplier, `leadTimes.${lt}.multiplier`, {
            positive: true,
          }),
          businessDays: check.amount(tier.businessDays, `leadTimes.${lt}.businessDays`, {
            integer: true,
          }),
        },
      ];
    }),
  ) as Record<LeadTime, LeadTimeTier>;

  const value: PriceList = {
    version,
    currency,
    materials,
    supportPricePerCm3Cents: check.amount(input.supportPricePerCm3Cents, 'supportPricePerCm3Cents'),
    machineHourlyRateCents,
    setupFeePerBuildCents: check.amount(input.setupFeePerBuildCents, 'setupFeePerBuildCents', {
      integer: true,
    }),
    postProcessingPerPartCents: check.amount(
      input.postProcessingPerPartCents,
      'postProcessingPerPartCents',
      { integer: true },
    ),
    minimumPriceCents: check.amount(input.minimumPriceCents, 'minimumPriceCents', {
      integer: true,
    }),
    quantityBreaks,
    leadTimes,
  };
  if (input.reviewAbovePriceCents !== undefined) {
    value.reviewAbovePriceCents = check.amount(
      input.reviewAbovePriceCents,
      'reviewAbovePriceCents',
      { integer: true },
    );
  }
  return check.errors.length > 0 ? { ok: false, errors: check.errors } : { ok: true, value };
}
