// What each system runs on the file's bytes, and what it reports. `prepare` turns the bytes
// into the input the system's API takes (not timed); `run` is the timed work.
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { engine, loadEngineFrom, loadNodeStl, loadThree } from './libs.mjs';

/**
 * The baseline's own analysis: one pass over three.js's position attribute for the signed
 * volume (float64 tetrahedra against the origin, the usual way) and the bounding box.
 */
export function volumeAndBbox(positions) {
  let volume6 = 0;
  let minX = Infinity,
    minY = Infinity,
    minZ = Infinity;
  let maxX = -Infinity,
    maxY = -Infinity,
    maxZ = -Infinity;
  for (let i = 0; i < positions.length; i += 9) {
    const ax = positions[i],
      ay = positions[i + 1],
      az = positions[i + 2];
    const bx = positions[i + 3],
      by = positions[i + 4],
      bz = positions[i + 5];
    const cx = positions[i + 6],
      cy = positions[i + 7],
      cz = positions[i + 8];
    volume6 += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    minX = Math.min(minX, ax, bx, cx);
    maxX = Math.max(maxX, ax, bx, cx);
    minY = Math.min(minY, ay, by, cy);
    maxY = Math.max(maxY, ay, by, cy);
    minZ = Math.min(minZ, az, bz, cz);
    maxZ = Math.max(maxZ, az, bz, cz);
  }
  return {
    volumeMm3: volume6 / 6,
    bbox: { min: [minX, minY, minZ], max: [maxX, maxY, maxZ] },
  };
}

/** Stage durations (ms) from analyseModel's progress: first report 0 to last report 1. */
function stageClock() {
  const start = {};
  const end = {};
  return {
    onProgress(stage, fraction) {
      const t = performance.now();
      if (fraction === 0 && start[stage] === undefined) start[stage] = t;
      if (fraction === 1) end[stage] = t;
    },
    durations: () =>
      Object.fromEntries(Object.keys(start).map((s) => [s, (end[s] ?? NaN) - start[s]])),
  };
}

const oursSystem = (build) => ({
  prepare: (bytes) => bytes,
  run(bytes) {
    const clock = stageClock();
    const analysis = build.analyseModel(bytes, { unit: 'mm', onProgress: clock.onProgress });
    return { keep: analysis, stagesMs: clock.durations() };
  },
  summary: ({ report }) => ({
    volumeMm3: report.volumeMm3,
    areaMm2: report.surfaceAreaMm2,
    triangles: report.inputTriangles,
    vertices: report.vertexCount,
    watertight: report.topology.watertight,
    shells: report.topology.shells,
  }),
});

function threeSystem(loader) {
  return {
    // STLLoader.parse takes an ArrayBuffer; a file read by Node is a Buffer over one.
    prepare: (bytes) =>
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    run(arrayBuffer) {
      const geometry = loader.parse(arrayBuffer);
      const measures = volumeAndBbox(geometry.getAttribute('position').array);
      return { keep: { geometry, measures } };
    },
    summary: ({ geometry, measures }) => ({
      volumeMm3: measures.volumeMm3,
      triangles: geometry.getAttribute('position').count / 3,
    }),
  };
}

function nodeStlSystem(NodeStl) {
  return {
    // node-stl reads with Buffer methods; a Buffer view over the same bytes, no copy.
    prepare: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    run: (buffer) => ({ keep: new NodeStl(buffer) }),
    summary: (stl) => ({
      volumeMm3: stl.volume * 1000, // node-stl reports cm³
      areaMm2: stl.area,
      watertight: stl.isWatertight,
    }),
  };
}

/** The system by name, loaded; `before` is ours from the build in `engineDir`. */
export async function loadSystem(name, engineDir) {
  switch (name) {
    case 'ours':
      return oursSystem(engine);
    case 'before':
      return oursSystem(loadEngineFrom(engineDir));
    case 'three':
      return threeSystem(await loadThree());
    case 'nodestl':
      return nodeStlSystem(loadNodeStl());
    default:
      throw new Error(`unknown system ${name}`);
  }
}
