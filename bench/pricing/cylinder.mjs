// The slicer's worst case: a finely faceted upright cylinder written straight into binary STL
// bytes. Its n side quads are one band from the bottom to the top, so every side triangle
// crosses every layer (n segments per contour, 2n per layer), while a torus of the same size
// crosses only a thin ring of triangles per layer. Caps are fans around a centre vertex.
import { writeFileSync } from 'node:fs';
import { TextEncoder } from 'node:util';

/**
 * Radius and height (mm): 200 × 200 × 30 mm, 150 FDM layers of 0.2 mm; it stands on a cap. At
 * 1M triangles (250,000 segments) a side facet is 2.5 µm wide, above the 1 µm weld tolerance.
 */
export const CYLINDER_RADIUS_MM = 100;
export const CYLINDER_HEIGHT_MM = 30;

/** Segments around for about `triangles` triangles (2 per side quad, 1 per cap per segment). */
export function cylinderSegments(triangles) {
  return Math.max(3, Math.round(triangles / 4));
}

/** Binary STL of the n-segment cylinder; its exact float64 polygon-prism volume beside it. */
export function cylinderStl(n) {
  const r = CYLINDER_RADIUS_MM;
  const h = CYLINDER_HEIGHT_MM;
  const ring = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring[i * 2] = r * Math.cos(a);
    ring[i * 2 + 1] = r * Math.sin(a);
  }
  const triangles = 4 * n;
  const bytes = new Uint8Array(84 + 50 * triangles);
  bytes.set(new TextEncoder().encode(`solid fabflow bench cylinder ${n}`));
  const view = new DataView(bytes.buffer);
  view.setUint32(80, triangles, true);
  let offset = 84;
  const write = (...corners) => {
    offset += 12; // normal left zero: readers recompute it
    for (const value of corners) {
      view.setFloat32(offset, value, true);
      offset += 4;
    }
    offset += 2;
  };
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const [x0, y0, x1, y1] = [ring[i * 2], ring[i * 2 + 1], ring[j * 2], ring[j * 2 + 1]];
    // Side quad, counter-clockwise from outside, then the bottom (facing down) and top fans.
    write(x0, y0, 0, x1, y1, 0, x1, y1, h);
    write(x0, y0, 0, x1, y1, h, x0, y0, h);
    write(0, 0, 0, x1, y1, 0, x0, y0, 0);
    write(0, 0, h, x0, y0, h, x1, y1, h);
  }
  return { bytes, exactVolumeMm3: (n / 2) * r * r * Math.sin((2 * Math.PI) / n) * h };
}

/** Writes the cylinder for about `triangles` triangles to `file`; returns its facts. */
export function writeCylinder(file, triangles) {
  const n = cylinderSegments(triangles);
  const { bytes, exactVolumeMm3 } = cylinderStl(n);
  writeFileSync(file, bytes);
  return { file, segments: n, triangles: 4 * n, bytes: bytes.length, exactVolumeMm3 };
}
