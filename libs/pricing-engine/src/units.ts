import type { StlUnit, ThreeMfUnit } from './types.js';

const STL_UNIT_TO_MM: Record<StlUnit, number> = { mm: 1, cm: 10, inch: 25.4 };

const THREE_MF_UNIT_TO_MM: Record<ThreeMfUnit, number> = {
  micron: 0.001,
  millimeter: 1,
  centimeter: 10,
  inch: 25.4,
  foot: 304.8,
  meter: 1000,
};

/** Millimetres per unit of an STL file exported in `unit`. */
export function stlUnitToMm(unit: StlUnit): number {
  return STL_UNIT_TO_MM[unit];
}

/** Millimetres per unit for a 3MF `unit` attribute, or `undefined` when it is not a 3MF unit. */
export function threeMfUnitToMm(unit: string): number | undefined {
  return Object.hasOwn(THREE_MF_UNIT_TO_MM, unit)
    ? THREE_MF_UNIT_TO_MM[unit as ThreeMfUnit]
    : undefined;
}

/** Narrows a string to a supported STL unit. */
export function isStlUnit(unit: unknown): unit is StlUnit {
  return typeof unit === 'string' && Object.hasOwn(STL_UNIT_TO_MM, unit);
}
