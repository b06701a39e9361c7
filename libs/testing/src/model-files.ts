/** The 12 triangles of an axis-aligned cube of `size` (two per face, counter-clockwise outside). */
function cubeTriangles(size: number): Array<{ n: number[]; v: number[][] }> {
  const s = size;
  const p = (x: number, y: number, z: number) => [x * s, y * s, z * s];
  const quads: Array<{ n: number[]; q: number[][] }> = [
    { n: [0, 0, -1], q: [p(0, 0, 0), p(0, 1, 0), p(1, 1, 0), p(1, 0, 0)] },
    { n: [0, 0, 1], q: [p(0, 0, 1), p(1, 0, 1), p(1, 1, 1), p(0, 1, 1)] },
    { n: [0, -1, 0], q: [p(0, 0, 0), p(1, 0, 0), p(1, 0, 1), p(0, 0, 1)] },
    { n: [0, 1, 0], q: [p(0, 1, 0), p(0, 1, 1), p(1, 1, 1), p(1, 1, 0)] },
    { n: [-1, 0, 0], q: [p(0, 0, 0), p(0, 0, 1), p(0, 1, 1), p(0, 1, 0)] },
    { n: [1, 0, 0], q: [p(1, 0, 0), p(1, 1, 0), p(1, 1, 1), p(1, 0, 1)] },
  ];
  return quads.flatMap(({ n, q }) => [
    { n, v: [q[0]!, q[1]!, q[2]!] },
    { n, v: [q[0]!, q[2]!, q[3]!] },
  ]);
}

/** A watertight cube as a binary STL (84 + 12·50 bytes), `size` in the file's unit. */
export function binaryStlCube(size = 20, header = 'fabflow test cube'): Buffer {
  const triangles = cubeTriangles(size);
  const buf = Buffer.alloc(84 + 50 * triangles.length);
  buf.write(header.slice(0, 80), 0, 'latin1');
  buf.writeUInt32LE(triangles.length, 80);
  triangles.forEach((t, i) => {
    const at = 84 + 50 * i;
    [...t.n, ...t.v.flat()].forEach((f, j) => buf.writeFloatLE(f, at + 4 * j));
  });
  return buf;
}

/** The same cube as an ASCII STL. */
export function asciiStlCube(size = 20, name = 'cube'): Buffer {
  const facets = cubeTriangles(size).map(
    (t) =>
      `  facet normal ${t.n.join(' ')}\n    outer loop\n` +
      t.v.map((v) => `      vertex ${v.join(' ')}\n`).join('') +
      '    endloop\n  endfacet\n',
  );
  return Buffer.from(`solid ${name}\n${facets.join('')}endsolid ${name}\n`);
}
