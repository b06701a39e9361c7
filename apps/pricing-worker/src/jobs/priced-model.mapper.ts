import type { PricedModel, PricingMode } from '@fabflow/contracts';
import type { PriceResult } from '@fabflow/pricing-engine';

/**
 * The engine's full result reduced to what the quote keeps: the model summary, the price
 * breakdown in cents, the machine plan and the review gate's verdict.
 */
export function toPricedModel(r: PriceResult, mode: PricingMode): PricedModel {
  const c = r.cost;
  const a = r.analysis;
  return {
    status: r.review.status === 'NEEDS_REVIEW' ? 'NEEDS_REVIEW' : 'READY',
    mode,
    price: {
      currency: c.currency,
      materialCents: c.material,
      supportCents: c.support,
      machineTimeCents: c.machineTime,
      setupCents: c.setup,
      postProcessingCents: c.postProcessing,
      subtotalCents: c.subtotal,
      quantityDiscountCents: c.quantityDiscount,
      leadTimeAdjustmentCents: c.leadTimeAdjustment,
      minimumPriceAdjustmentCents: c.minimumPriceAdjustment,
      totalCents: c.total,
      unitPriceCents: c.unitPrice,
    },
    model: {
      format: a.format,
      triangles: a.inputTriangles,
      volumeMm3: a.volumeMm3,
      surfaceAreaMm2: a.surfaceAreaMm2,
      bboxMm: { x: a.bbox.size.x, y: a.bbox.size.y, z: a.bbox.size.z },
      watertight: a.topology.watertight,
      shells: a.topology.shells,
    },
    materialId: c.materialId,
    technology: r.technology,
    quantity: c.quantity,
    leadTime: c.leadTime,
    machineId: r.partsPerBuild.machineId,
    partsPerBuild: r.partsPerBuild.partsPerBuild,
    machineSeconds: r.machineSeconds,
    reviewReasons: r.review.reasons.map((x) => ({ code: x.code, message: x.message })),
    priceListVersion: c.priceListVersion,
    engineVersion: r.engineVersion,
  };
}
