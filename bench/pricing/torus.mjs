// The benchmark's meshes: finely tessellated tori written straight into binary STL bytes
// (the engine's testing generators build nested arrays, ~200 bytes per triangle, too much for
// 5M), deterministic, closed and manifold, with shared corners bit-identical as CAD exporters
// write them. Same tessellation as `torus()` in libs/pricing-engine/src/testing.
import { writeFileSync } from 'node:fs';
import { TextEncoder } from 'node:util';

/** Ring radius and tube radius (mm): the part is 110 × 110 × 30 mm, it fits the FDM machine. */
export const MAJOR_MM = 40;
export const MINOR_MM = 15;

/** Segments around the axis (n) and around the tube (m) for about `triangles` triangles. */
export function torusGrid(triangles) {
  const m = Math.max(3, Math.round(Math.sqrt((triangles / 2) * (MINOR_MM / MAJOR_MM))));
  const n = Math.max(3, Math.round(triangles / 2 / m));
  return { n, m, triangles: 2 * n * m };
}

/**
 * Exact volume of the torus polyhedron (n wedges of sin(2π/n) × ∫∫ρ dA over the regular m-gon
 * section, as in the engine's analyse.spec.ts), before the corners are rounded to float32.
 */
export function exactVolume({ n, m }) {
  return (
    n *
    Math.sin((2 * Math.PI) / n) *
    (m / 2) *
    MINOR_MM ** 2 *
    Math.sin((2 * Math.PI) / m) *
    MAJOR_MM
  );
}

/** Its exact area: n × m planar isosceles trapezoids. */
export function exactArea({ n, m }) {
  let area = 0;
  for (let j = 0; j < m; j++) {
    const rho0 = MAJOR_MM + MINOR_MM * Math.cos((2 * Math.PI * j) / m);
    const rho1 = MAJOR_MM + MINOR_MM * Math.cos((2 * Math.PI * (j + 1)) / m);
    const dz = MINOR_MM * (Math.sin((2 * Math.PI * (j + 1)) / m) - Math.sin((2 * Math.PI * j) / m));
    area +=
      n *
      (rho0 + rho1) *
      Math.sin(Math.PI / n) *
      Math.hypot(Math.cos(Math.PI / n) * (rho1 - rho0), dz);
  }
  return area;
}

/**
 * Binary STL bytes of the n × m torus, and the volume of exactly those float32 corners
 * (float64 tetrahedra with a compensated sum): the floor below which no reader can be more
 * accurate.
 */
export function torusStl({ n, m }) {
  const grid = new Float32Array(n * m * 3);
  for (let i = 0; i < n; i++) {
    const u = (2 * Math.PI * i) / n;
    for (let j = 0; j < m; j++) {
      const v = (2 * Math.PI * j) / m;
      const rho = MAJOR_MM + MINOR_MM * Math.cos(v);
      const k = (i * m + j) * 3;
      grid[k] = rho * Math.cos(u);
      grid[k + 1] = rho * Math.sin(u);
      grid[k + 2] = MINOR_MM * Math.sin(v);
    }
  }
  const triangles = 2 * n * m;
  const bytes = new Uint8Array(84 + 50 * triangles);
  bytes.set(new TextEncoder().encode(`solid fabflow bench torus ${n}x${m}`));
  const view = new DataView(bytes.buffer);
  view.setUint32(80, triangles, true);
  let offset = 84;
  let sum = 0;
  let compensation = 0;
  const corner = (i, j) => ((i % n) * m + (j % m)) * 3;
  const write = (a, b, c) => {
    const ax = grid[a],
      ay = grid[a + 1],
      az = grid[a + 2];
    const bx = grid[b],
      by = grid[b + 1],
      bz = grid[b + 2];
    const cx = grid[c],
      cy = grid[c + 1],
      cz = grid[c + 2];
    let nx = (by - ay) * (cz - az) - (bz - az) * (cy - ay);
    let ny = (bz - az) * (cx - ax) - (bx - ax) * (cz - az);
    let nz = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    const length = Math.hypot(nx, ny, nz) || 1;
    nx /= length;
    ny /= length;
    nz /= length;
    for (const value of [nx, ny, nz, ax, ay, az, bx, by, bz, cx, cy, cz]) {
      view.setFloat32(offset, value, true);
      offset += 4;
    }
    offset += 2; // attribute byte count: 0
    const det = ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const t = sum + det;
    compensation += Math.abs(sum) >= Math.abs(det) ? sum - t + det : det - t + sum;
    sum = t;
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      // The quad (i,j) (i+1,j) (i+1,j+1) (i,j+1), counter-clockwise from outside, as two triangles.
      const a = corner(i, j),
        b = corner(i + 1, j),
        c = corner(i + 1, j + 1),
        d = corner(i, j + 1);
      write(a, b, c);
      write(a, c, d);
    }
  }
  return { bytes, float32Volume: (sum + compensation) / 6 };
}

/** Writes the torus for about `triangles` triangles to `file`; returns its facts. */
export function writeTorus(file, triangles) {
  const grid = torusGrid(triangles);
  const { bytes, float32Volume } = torusStl(grid);
  writeFileSync(file, bytes);
  return {
    file,
    ...grid,
    bytes: bytes.length,
    majorMm: MAJOR_MM,
    minorMm: MINOR_MM,
    exactVolumeMm3: exactVolume(grid),
    float32VolumeMm3: float32Volume,
    exactAreaMm2: exactArea(grid),
    smoothTorusVolumeMm3: 2 * Math.PI ** 2 * MAJOR_MM * MINOR_MM ** 2,
  };
}
