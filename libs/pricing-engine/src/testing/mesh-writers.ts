import type { ThreeMfUnit } from '../types.js';
import type { Point, Triangle } from './mesh-generators.js';
import { meshXml, threeMfPackage } from './three-mf-package.js';

function normal([a, b, c]: Triangle): Point {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const n: Point = [
    u[1]! * v[2]! - u[2]! * v[1]!,
    u[2]! * v[0]! - u[0]! * v[2]!,
    u[0]! * v[1]! - u[1]! * v[0]!,
  ];
  const length = Math.hypot(...n) || 1;
  return [n[0] / length, n[1] / length, n[2] / length];
}

/** Binary STL bytes; the 80-byte header starts with `header` (default mentions "solid" on purpose). */
export function toBinaryStl(
  triangles: readonly Triangle[],
  header = 'solid fabflow binary test mesh',
): Uint8Array {
  const bytes = new Uint8Array(84 + 50 * triangles.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(header.slice(0, 80)));
  view.setUint32(80, triangles.length, true);
  triangles.forEach((triangle, t) => {
    const values = [...normal(triangle), ...triangle[0], ...triangle[1], ...triangle[2]];
    values.forEach((value, i) => view.setFloat32(84 + t * 50 + i * 4, value, true));
  });
  return bytes;
}

/** ASCII STL text as bytes. */
export function toAsciiStl(triangles: readonly Triangle[], name = 'fabflow'): Uint8Array {
  const lines = [`solid ${name}`];
  for (const triangle of triangles) {
    lines.push(`  facet normal ${normal(triangle).join(' ')}`, '    outer loop');
    for (const p of triangle) lines.push(`      vertex ${p.join(' ')}`);
    lines.push('    endloop', '  endfacet');
  }
  lines.push(`endsolid ${name}`, '');
  return new TextEncoder().encode(lines.join('\n'));
}

/** Options of {@link to3mf}. */
export interface ThreeMfOptions {
  unit?: ThreeMfUnit;
  /** `deflate` (default) or `store`. */
  compression?: 'deflate' | 'store';
  /** 12-number 3MF build-item transform. */
  transform?: readonly number[];
  /** Replaces the model XML prolog, e.g. to inject a DOCTYPE. */
  prolog?: string;
}

/** The 3MF model part XML for one object (vertices deduplicated). */
export function to3mfModelXml(
  triangles: readonly Triangle[],
  options: ThreeMfOptions = {},
): string {
  const transform = options.transform ? ` transform="${options.transform.join(' ')}"` : '';
  return [
    options.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>',
    `<model unit="${options.unit ?? 'millimeter'}" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">`,
    `<resources><object id="1" type="model">${meshXml(triangles)}</object></resources>`,
    `<build><item objectid="1"${transform}/></build>`,
    '</model>',
  ].join('\n');
}

/** A complete 3MF package (content types, relationships, model part). */
export function to3mf(triangles: readonly Triangle[], options: ThreeMfOptions = {}): Uint8Array {
  return threeMfPackage(
    to3mfModelXml(triangles, options),
    [],
    options.compression === 'store' ? 0 : 8,
  );
}
