import { permute, type AxisPermutation, type Machine } from './machine-fit.js';
import type { Vec3 } from './types.js';

/** How copies of a part are laid out in builds. */
export interface PackingResult {
  /** Machine giving the fewest builds; null when the part fits none. */
  machineId: string | null;
  fits: boolean;
  method: '2D' | '3D';
  /** Copies in one full build (capacity capped by the quantity). */
  partsPerBuild: number;
  /** Most copies one build could hold. */
  capacity: number;
  builds: number;
  /** Copies in the last (possibly partial) build. */
  lastBuildParts: number;
  /** Copies along the machine's x, y and z in a full build. */
  grid: Vec3;
  /** Part size along the machine axes as packed. */
  placedSizeMm: Vec3;
  /** Height of a full build and of the last build (stacked copies count for 3D nesting). */
  buildHeightMm: number;
  lastBuildHeightMm: number;
}

const PLATE_TURNS: readonly AxisPermutation[] = ['xyz', 'yxz'];
const ALL_TURNS: readonly AxisPermutation[] = ['xyz', 'yxz', 'xzy', 'zxy', 'yzx', 'zyx'];

function along(part: number, room: number, spacing: number): number {
  return part <= room ? Math.floor((room + spacing) / (part + spacing)) : 0;
}

/**
 * Bounding-box packing with spacing between copies. `2D` (FDM, SLA): one layer of copies on
 * the plate, the part may turn 90° about z. `3D` (SLS, MJF): copies stacked in the powder
 * volume in any of the 6 axis orientations. The machine with the largest capacity wins.
 */
export function packParts(
  size: Vec3,
  quantity: number,
  machines: readonly Machine[],
  method: '2D' | '3D',
  spacingMm: number,
): PackingResult {
  let best: { machine: Machine; grid: Vec3; placed: Vec3; capacity: number } | undefined;
  for (const machine of machines) {
    const room = machine.buildVolumeMm;
    for (const turn of method === '2D' ? PLATE_TURNS : ALL_TURNS) {
      const placed = permute(size, turn);
      const grid = {
        x: along(placed.x, room.x, spacingMm),
        y: along(placed.y, room.y, spacingMm),
        z: method === '2D' ? (placed.z <= room.z ? 1 : 0) : along(placed.z, room.z, spacingMm),
      };
      const capacity = grid.x * grid.y * grid.z;
      if (capacity > 0 && (!best || capacity > best.capacity))
        best = { machine, grid, placed, capacity };
    }
  }
  if (!best) {
    return {
      machineId: null,
      fits: false,
      method,
      partsPerBuild: 1,
      capacity: 0,
      builds: quantity,
      lastBuildParts: 1,
      grid: { x: 1, y: 1, z: 1 },
      placedSizeMm: size,
      buildHeightMm: size.z,
      lastBuildHeightMm: size.z,
    };
  }
  const chosen = best;
  const partsPerBuild = Math.min(chosen.capacity, quantity);
  const builds = Math.ceil(quantity / partsPerBuild);
  const lastBuildParts = quantity - (builds - 1) * partsPerBuild;
  const perLevel = chosen.grid.x * chosen.grid.y;
  const heightFor = (parts: number): number => {
    const levels = Math.ceil(parts / perLevel);
    return levels * chosen.placed.z + (levels - 1) * spacingMm;
  };
  return {
    machineId: best.machine.id,
    fits: true,
    method,
    partsPerBuild,
    capacity: best.capacity,
    builds,
    lastBuildParts,
    grid: best.grid,
    placedSizeMm: best.placed,
    buildHeightMm: heightFor(partsPerBuild),
    lastBuildHeightMm: heightFor(lastBuildParts),
  };
}
