/** A point as [x, y, z] in millimetres. */
export type Point = [number, number, number];

/** A triangle, counter-clockwise seen from outside. */
export type Triangle = [Point, Point, Point];

/** Unit-cube faces as quads (counter-clockwise from outside) with their outward direction. */
const CUBE_FACES: readonly { normal: Point; quad: readonly Point[] }[] = [
  {
    normal: [0, 0, -1],
    quad: [
      [0, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
      [1, 0, 0],
    ],
  },
  {
    normal: [0, 0, 1],
    quad: [
      [0, 0, 1],
      [1, 0, 1],
      [1, 1, 1],
      [0, 1, 1],
    ],
  },
  {
    normal: [0, -1, 0],
    quad: [
      [0, 0, 0],
      [1, 0, 0],
      [1, 0, 1],
      [0, 0, 1],
    ],
  },
  {
    normal: [0, 1, 0],
    quad: [
      [0, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
      [1, 1, 0],
    ],
  },
  {
    normal: [-1, 0, 0],
    quad: [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
      [0, 1, 0],
    ],
  },
  {
    normal: [1, 0, 0],
    quad: [
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
      [1, 0, 1],
    ],
  },
];

function quad(a: Point, b: Point, c: Point, d: Point): Triangle[] {
  return [
    [a, b, c],
    [a, c, d],
  ];
}

/** Axis-aligned box with one corner at `origin`: 12 triangles. */
export function box(
  sizeX: number,
  sizeY: number,
  sizeZ: number,
  origin: Point = [0, 0, 0],
): Triangle[] {
  const at = (p: Point): Point => [
    origin[0] + p[0] * sizeX,
    origin[1] + p[1] * sizeY,
    origin[2] + p[2] * sizeZ,
  ];
  return CUBE_FACES.flatMap(({ quad: q }) => quad(at(q[0]!), at(q[1]!), at(q[2]!), at(q[3]!)));
}

/** Cube of side `size` with a corner at the origin. */
export function cube(size: number): Triangle[] {
  return box(size, size, size);
}

/**
 * Closed, manifold surface of a set of voxels (grid cells `[i, j, k]` of side `size`): only
 * faces between a filled and an empty cell are emitted. Handy for L, T and other shapes
 * whose volume (cells × size³) and area (faces × size²) are known exactly. Cells touching
 * only along an edge make the result non-manifold; avoid that.
 */
export function voxels(cells: readonly Point[], size = 1): Triangle[] {
  const filled = new Set(cells.map((c) => c.join(',')));
  const triangles: Triangle[] = [];
  for (const [i, j, k] of cells) {
    for (const { normal, quad: q } of CUBE_FACES) {
      if (filled.has([i + normal[0], j + normal[1], k + normal[2]].join(','))) continue;
      const at = (p: Point): Point => [(i + p[0]) * size, (j + p[1]) * size, (k + p[2]) * size];
      triangles.push(...quad(at(q[0]!), at(q[1]!), at(q[2]!), at(q[3]!)));
    }
  }
  return triangles;
}

/**
 * UV sphere centred on the origin with `segments` meridians and `rings` latitude bands;
 * the poles are single vertices, so the mesh is closed and manifold.
 */
export function uvSphere(radius: number, segments: number, rings: number): Triangle[] {
  const at = (ring: number, segment: number): Point => {
    const theta = (Math.PI * ring) / rings;
    const phi = (2 * Math.PI * (segment % segments)) / segments;
    if (ring === 0) return [0, 0, radius];
    if (ring === rings) return [0, 0, -radius];
    return [
      radius * Math.sin(theta) * Math.cos(phi),
      radius * Math.sin(theta) * Math.sin(phi),
      radius * Math.cos(theta),
    ];
  };
  const triangles: Triangle[] = [];
  for (let j = 0; j < segments; j++) {
    triangles.push([at(0, 0), at(1, j), at(1, j + 1)]);
    for (let i = 1; i < rings - 1; i++)
      triangles.push(...quad(at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)));
    triangles.push([at(rings, 0), at(rings - 1, j + 1), at(rings - 1, j)]);
  }
  return triangles;
}

/** Torus around the z axis: ring radius `major`, tube radius `minor`. */
export function torus(major: number, minor: number, segments: number, sides: number): Triangle[] {
  const at = (i: number, j: number): Point => {
    const u = (2 * Math.PI * (i % segments)) / segments;
    const v = (2 * Math.PI * (j % sides)) / sides;
    const rho = major + minor * Math.cos(v);
    return [rho * Math.cos(u), rho * Math.sin(u), minor * Math.sin(v)];
  };
  const triangles: Triangle[] = [];
  for (let i = 0; i < segments; i++) {
    for (let j = 0; j < sides; j++)
      triangles.push(...quad(at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)));
  }
  return triangles;
}

/**
 * Faceted frustum standing on the xy plane around the z axis: bottom radius `r0`, top radius
 * `r1`, `segments` side quads each one band from bottom to top (two triangles, so every side
 * triangle spans the full height), caps as fans around their centres. `r0 === r1` is a prism.
 */
export function frustum(r0: number, r1: number, height: number, segments: number): Triangle[] {
  const at = (r: number, i: number, z: number): Point => {
    const a = (2 * Math.PI * (i % segments)) / segments;
    return [r * Math.cos(a), r * Math.sin(a), z];
  };
  const triangles: Triangle[] = [];
  for (let i = 0; i < segments; i++) {
    triangles.push(
      ...quad(at(r0, i, 0), at(r0, i + 1, 0), at(r1, i + 1, height), at(r1, i, height)),
    );
    triangles.push([[0, 0, 0], at(r0, i + 1, 0), at(r0, i, 0)]);
    triangles.push([[0, 0, height], at(r1, i, height), at(r1, i + 1, height)]);
  }
  return triangles;
}

/** Faceted cylinder (a prism of `segments` sides): see {@link frustum}. */
export function cylinder(radius: number, height: number, segments: number): Triangle[] {
  return frustum(radius, radius, height, segments);
}

/** Same triangles with reversed winding (an inside-out mesh). */
export function invert(triangles: readonly Triangle[]): Triangle[] {
  return triangles.map(([a, b, c]) => [a, c, b]);
}

/** Same triangles moved by `offset`. */
export function translate(triangles: readonly Triangle[], offset: Point): Triangle[] {
  const move = (p: Point): Point => [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]];
  return triangles.map(([a, b, c]) => [move(a), move(b), move(c)]);
}
