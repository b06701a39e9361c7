import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from './service-process';

export type Point = [number, number, number];
export type Triangle = [Point, Point, Point];

/**
 * The pricing engine's mesh generators and file writers (libs/pricing-engine/src/testing.ts,
 * compiled), for tests of other scopes that upload models: the engine itself is scope:pricing,
 * so they load its build output at run time instead of importing it.
 */
export interface PricingEngineFixtures {
  box(x: number, y: number, z: number, origin?: Point): Triangle[];
  cube(size: number): Triangle[];
  uvSphere(radius: number, segments: number, rings: number): Triangle[];
  torus(major: number, minor: number, segments: number, sides: number): Triangle[];
  translate(triangles: readonly Triangle[], offset: Point): Triangle[];
  toBinaryStl(triangles: readonly Triangle[], header?: string): Uint8Array;
  toAsciiStl(triangles: readonly Triangle[], name?: string): Uint8Array;
  to3mf(
    triangles: readonly Triangle[],
    options?: { unit?: string; compression?: 'deflate' | 'store'; prolog?: string },
  ): Uint8Array;
  to3mfModelXml(
    triangles: readonly Triangle[],
    options?: { unit?: string; prolog?: string },
  ): string;
  /** A small valid price list and one machine per technology (the engine's own types). */
  samplePriceList(): Record<string, unknown>;
  sampleMachines(): Array<Record<string, unknown>>;
  createZip(
    files: ReadonlyArray<{ name: string; data: Uint8Array | string; method?: 0 | 8 }>,
  ): Uint8Array;
  invert(triangles: readonly Triangle[]): Triangle[];
  cylinder(radius: number, height: number, segments: number): Triangle[];
  /** 3MF with the production extension: each mesh in its own `3D/Objects/*.model` part. */
  toProduction3mf(
    objects: ReadonlyArray<{ triangles: readonly Triangle[]; transform?: readonly number[] }>,
  ): Uint8Array;
  /** Hostile 3MF files (libs/pricing-engine/src/testing/hostile-3mf.ts). */
  componentBomb(leaf: 'empty' | 'support' | 'real', levels?: number, fanOut?: number): Uint8Array;
  instancingBomb(segments?: number, levels?: number, fanOut?: number): Uint8Array;
  deepNesting(depth: number): Uint8Array;
  componentCycle(kind: 'self' | 'through'): Uint8Array;
  lyingZip(lie: 'smaller' | 'larger' | 'headers-disagree'): Uint8Array;
  overlappingEntries(): Uint8Array;
  decompressionBomb(kind: 'one-entry' | 'many-parts', parts?: number): Uint8Array;
}

let loaded: PricingEngineFixtures | undefined;

export function pricingEngineFixtures(): PricingEngineFixtures {
  loaded ??= createRequire(__filename)(
    join(REPO_ROOT, 'libs', 'pricing-engine', 'dist', 'testing.js'),
  ) as PricingEngineFixtures;
  return loaded;
}

/**
 * A closed UV sphere as binary STL, written straight into one buffer: `2 × segments × (rings − 1)`
 * triangles (1000 × 1000 ≈ 2 M, 100 MB) without the engine generator's arrays of points, which
 * would take gigabytes at that size. Its enclosed volume tends to 4/3·π·r³ as it gets finer.
 */
export function sphereStl(radius: number, segments: number, rings: number): Buffer {
  if (segments < 3 || rings < 2) throw new Error('a sphere needs 3+ segments and 2+ rings');
  const count = segments * 2 + segments * (rings - 2) * 2;
  const buf = Buffer.alloc(84 + 50 * count);
  buf.write('fabflow test sphere', 0, 'latin1');
  buf.writeUInt32LE(count, 80);
  let o = 84;
  const at = (ring: number, s: number): Point => {
    if (ring === 0) return [0, 0, radius];
    if (ring === rings) return [0, 0, -radius];
    const theta = (Math.PI * ring) / rings;
    const phi = (2 * Math.PI * (s % segments)) / segments;
    return [
      radius * Math.sin(theta) * Math.cos(phi),
      radius * Math.sin(theta) * Math.sin(phi),
      radius * Math.cos(theta),
    ];
  };
  const tri = (a: Point, b: Point, c: Point) => {
    o += 12; // normal left zero: readers recompute it
    for (const p of [a, b, c]) {
      buf.writeFloatLE(p[0], o);
      buf.writeFloatLE(p[1], o + 4);
      buf.writeFloatLE(p[2], o + 8);
      o += 12;
    }
    o += 2;
  };
  for (let j = 0; j < segments; j++) {
    tri(at(0, 0), at(1, j), at(1, j + 1));
    for (let i = 1; i < rings - 1; i++) {
      const a = at(i, j);
      const c = at(i + 1, j + 1);
      tri(a, at(i + 1, j), c);
      tri(a, c, at(i, j + 1));
    }
    tri(at(rings, 0), at(rings - 1, j + 1), at(rings - 1, j));
  }
  return buf;
}
