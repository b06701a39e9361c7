// The compiled engine (node tools/build.mjs writes dist/) and the baselines from node_modules.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function dist(path) {
  try {
    return require(join(ROOT, 'dist/libs/pricing-engine/src', path));
  } catch (err) {
    console.error(
      `Cannot load dist/libs/pricing-engine/src/${path}: run \`node tools/build.mjs\` first.`,
    );
    throw err;
  }
}

/** The engine's public face. */
export const engine = dist('index.js');
/** Its test fixtures (sample price list and machines), compiled beside it. */
export const engineTesting = dist('testing.js');

/** A module of the engine that index.js does not export (the parser's work counters). */
export const engineInternal = (path) => dist(path);

/** The engine of another build (`--engine-before DIR`: a copy of an older dist/). */
export function loadEngineFrom(distDir) {
  return require(join(distDir, 'libs/pricing-engine/src/index.js'));
}

/** three.js's STL loader: ESM, and it runs in Node as is (parse needs only an ArrayBuffer). */
export async function loadThree() {
  const { STLLoader } = await import('three/examples/jsm/loaders/STLLoader.js');
  return new STLLoader();
}

export const loadNodeStl = () => require('node-stl');
