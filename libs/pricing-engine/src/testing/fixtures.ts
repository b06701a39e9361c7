import type { Machine } from '../machine-fit.js';
import type { PriceList } from '../price-list.js';

/** A small, valid price list (EUR, cents) covering every technology. */
export function samplePriceList(): PriceList {
  return {
    version: 'test-2025-01',
    currency: 'EUR',
    materials: [
      {
        id: 'pla-black',
        name: 'PLA black',
        technology: 'FDM',
        pricePerCm3Cents: 10,
        densityGPerCm3: 1.24,
      },
      {
        id: 'resin-grey',
        name: 'Standard resin grey',
        technology: 'SLA',
        pricePerCm3Cents: 25,
        densityGPerCm3: 1.18,
      },
      {
        id: 'pa12-sls',
        name: 'PA12 (SLS)',
        technology: 'SLS',
        pricePerCm3Cents: 30,
        densityGPerCm3: 0.95,
      },
      {
        id: 'pa12-mjf',
        name: 'PA12 (MJF)',
        technology: 'MJF',
        pricePerCm3Cents: 28,
        densityGPerCm3: 1.01,
      },
    ],
    supportPricePerCm3Cents: 5,
    machineHourlyRateCents: { FDM: 600, SLA: 1200, SLS: 4000, MJF: 5000 },
    setupFeePerBuildCents: 500,
    postProcessingPerPartCents: 100,
    minimumPriceCents: 2000,
    quantityBreaks: [
      { minQuantity: 10, discountPercent: 5 },
      { minQuantity: 50, discountPercent: 10 },
    ],
    leadTimes: {
      ECONOMY: { multiplier: 0.9, businessDays: 10 },
      STANDARD: { multiplier: 1, businessDays: 5 },
      EXPRESS: { multiplier: 1.5, businessDays: 2 },
    },
    reviewAbovePriceCents: 500000,
  };
}

/** One machine per technology with typical build volumes. */
export function sampleMachines(): Machine[] {
  return [
    { id: 'fdm-1', technology: 'FDM', buildVolumeMm: { x: 250, y: 210, z: 210 } },
    { id: 'sla-1', technology: 'SLA', buildVolumeMm: { x: 145, y: 145, z: 185 } },
    { id: 'sls-1', technology: 'SLS', buildVolumeMm: { x: 165, y: 165, z: 300 } },
    { id: 'mjf-1', technology: 'MJF', buildVolumeMm: { x: 380, y: 284, z: 380 } },
  ];
}
