import type { Technology, Vec3 } from './types.js';

/** A printer the shop can schedule, with its usable build volume. */
export interface Machine {
  id: string;
  technology: Technology;
  buildVolumeMm: Vec3;
}

/** Which model axis ends up along the machine's x, y and z (e.g. `'zxy'`). */
export type AxisPermutation = 'xyz' | 'yxz' | 'xzy' | 'zxy' | 'yzx' | 'zyx';

/** Whether a part fits one machine and how it has to be turned. */
export interface MachineFit {
  machineId: string;
  technology: Technology;
  fits: boolean;
  /** Axis permutation used, preferring the lowest build height; absent when it does not fit. */
  axes?: AxisPermutation;
  /** Part size along the machine axes after the permutation. */
  placedSizeMm?: Vec3;
}

const PERMUTATIONS: readonly AxisPermutation[] = ['xyz', 'yxz', 'xzy', 'zxy', 'yzx', 'zyx'];

/** Reorders a size by an axis permutation. */
export function permute(size: Vec3, axes: AxisPermutation): Vec3 {
  const pick = (axis: string): number => (axis === 'x' ? size.x : axis === 'y' ? size.y : size.z);
  return { x: pick(axes[0]!), y: pick(axes[1]!), z: pick(axes[2]!) };
}

/** True when `size` fits `volume` as is. */
export function fitsVolume(size: Vec3, volume: Vec3): boolean {
  return size.x <= volume.x && size.y <= volume.y && size.z <= volume.z;
}

/** True when `size` fits `volume` as is or turned 90° about z (a free rotation on the plate). */
export function fitsWithPlateRotation(size: Vec3, volume: Vec3): boolean {
  return (
    size.z <= volume.z &&
    ((size.x <= volume.x && size.y <= volume.y) || (size.y <= volume.x && size.x <= volume.y))
  );
}

/**
 * Checks a bounding box against each machine, allowing any of the 6 axis-aligned
 * permutations (the part can be laid on any face).
 */
export function fitToMachines(size: Vec3, machines: readonly Machine[]): MachineFit[] {
  return machines.map((machine) => {
    let best: { axes: AxisPermutation; placed: Vec3 } | undefined;
    for (const axes of PERMUTATIONS) {
      const placed = permute(size, axes);
      if (fitsVolume(placed, machine.buildVolumeMm) && (!best || placed.z < best.placed.z)) {
        best = { axes, placed };
      }
    }
    return best
      ? {
          machineId: machine.id,
          technology: machine.technology,
          fits: true,
          axes: best.axes,
          placedSizeMm: best.placed,
        }
      : { machineId: machine.id, technology: machine.technology, fits: false };
  });
}
