/** Example bodies of the B2B API's OpenAPI document (one place, shared by the controllers). */
export const QUOTE_ID = '0193a5c3-4c00-7000-8000-0000000c0de1';
export const ORDER_ID = '0193a5c4-0d00-7000-8000-00000000de01';
const MODEL_ID = '0193a5c2-1b00-7000-8000-00000000f11e';

export const READY_QUOTE_EXAMPLE = {
  id: QUOTE_ID,
  status: 'READY',
  mode: 'INDICATIVE',
  priceMode: 'INDICATIVE',
  fileId: MODEL_ID,
  filename: 'bracket.stl',
  materialId: 'pla-black',
  quantity: 50,
  leadTime: 'STANDARD',
  progress: { stage: 'cost', fraction: 1, overall: 1, updatedAt: '2026-12-03T09:12:04.000Z' },
  price: {
    currency: 'EUR',
    materialCents: 12400,
    supportCents: 800,
    machineTimeCents: 31500,
    setupCents: 500,
    postProcessingCents: 2500,
    subtotalCents: 47700,
    quantityDiscountCents: 4770,
    leadTimeAdjustmentCents: 0,
    minimumPriceAdjustmentCents: 0,
    totalCents: 42930,
    unitPriceCents: 859,
  },
  priceSource: 'ENGINE',
  model: {
    format: 'STL_BINARY',
    triangles: 12,
    volumeMm3: 8000,
    surfaceAreaMm2: 2400,
    bboxMm: { x: 20, y: 20, z: 20 },
    watertight: true,
    shells: 1,
  },
  reviewReasons: [],
  review: null,
  failure: null,
  validUntil: '2026-12-17T09:12:04.000Z',
  createdAt: '2026-12-03T09:12:00.000Z',
  updatedAt: '2026-12-03T09:12:04.000Z',
};

export const CALCULATING_QUOTE_EXAMPLE = {
  ...READY_QUOTE_EXAMPLE,
  status: 'CALCULATING',
  priceMode: null,
  progress: {
    stage: 'orientation',
    fraction: 0.4,
    overall: 0.55,
    updatedAt: '2026-12-03T09:12:02.000Z',
  },
  price: null,
  priceSource: null,
  model: null,
  validUntil: null,
};

export const ORDER_EXAMPLE = {
  id: ORDER_ID,
  status: 'PLACED',
  channel: 'B2B',
  lines: [
    {
      lineId: '0193a5c4-0d00-7000-8000-0000000011e1',
      lineNo: 1,
      quoteId: QUOTE_ID,
      name: 'bracket.stl',
      material: 'pla-black',
      quantity: 50,
      unitPriceCents: 859,
      totalCents: 42930,
      status: 'PENDING',
      cancellationOutcome: null,
    },
  ],
  subtotalCents: 42930,
  minimumOrderSurchargeCents: 0,
  totalCents: 42930,
  currency: 'EUR',
  cancellation: null,
  placedAt: '2026-12-03T09:13:00.000Z',
  updatedAt: '2026-12-03T09:13:00.000Z',
  history: [{ status: 'PLACED', at: '2026-12-03T09:13:00.000Z', source: 'shop', note: null }],
};

/** A two-line order, shipped in part: one line on its way, the other still in production. */
export const PARTIALLY_SHIPPED_ORDER_EXAMPLE = {
  ...ORDER_EXAMPLE,
  status: 'PARTIALLY_SHIPPED',
  lines: [
    { ...ORDER_EXAMPLE.lines[0]!, status: 'SHIPPED' },
    {
      ...ORDER_EXAMPLE.lines[0]!,
      lineId: '0193a5c4-0d00-7000-8000-0000000011e2',
      lineNo: 2,
      quoteId: '0193a5c3-4c00-7000-8000-0000000c0de2',
      name: 'cover.stl',
      quantity: 50,
      unitPriceCents: 412,
      totalCents: 20600,
      status: 'IN_PRODUCTION',
    },
  ],
  subtotalCents: 63530,
  totalCents: 63530,
  updatedAt: '2026-12-09T15:40:00.000Z',
  history: [
    ...ORDER_EXAMPLE.history,
    { status: 'AWAITING_CONFIRMATION', at: '2026-12-03T09:13:01.000Z', source: 'crm', note: null },
    {
      status: 'CONFIRMED',
      at: '2026-12-03T10:02:00.000Z',
      source: 'crm',
      note: 'confirmed; due 2026-12-10',
    },
    {
      status: 'IN_PRODUCTION',
      at: '2026-12-04T08:00:00.000Z',
      source: 'mes',
      note: 'line 1: IN_PRODUCTION',
    },
    {
      status: 'PARTIALLY_SHIPPED',
      at: '2026-12-09T15:40:00.000Z',
      source: 'mes',
      note: 'line 1: SHIPPED',
    },
  ],
};

/** The order cancelled by the organisation before production started. */
export const CANCELLED_ORDER_EXAMPLE = {
  ...ORDER_EXAMPLE,
  status: 'CANCELLED',
  lines: ORDER_EXAMPLE.lines.map((l) => ({ ...l, status: 'CANCELLED' })),
  cancellation: {
    by: 'CUSTOMER',
    reason: 'the assembly was redesigned',
    at: '2026-12-03T11:00:00.000Z',
  },
  updatedAt: '2026-12-03T11:00:00.000Z',
  history: [
    ...ORDER_EXAMPLE.history,
    {
      status: 'CANCELLED',
      at: '2026-12-03T11:00:00.000Z',
      source: 'customer',
      note: 'cancelled by the customer: the assembly was redesigned',
    },
  ],
};
