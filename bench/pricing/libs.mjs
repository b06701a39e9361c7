// The compiled engine (node tools/build.mjs writes libs/pricing-engine/dist) and the baselines
// from node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function dist(path) {
  try {
    return require(join(ROOT, 'libs/pricing-engine/dist', path));
  } catch (err) {
    console.error(
      `Cannot load libs/pricing-engine/dist/${path}: run \`node tools/build.mjs\` first.`,
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

/**
 * The engine of another build (`--engine-before DIR`: the root of a built checkout of an older
 * commit), in either build layout: libs/pricing-engine/dist, or dist/libs/pricing-engine/src
 * before the workspace build.
 */
export function loadEngineFrom(checkout) {
  const layouts = ['libs/pricing-engine/dist/index.js', 'dist/libs/pricing-engine/src/index.js'];
  const found = layouts.map((l) => join(checkout, l)).find((f) => existsSync(f));
  if (!found) throw new Error(`no built pricing engine in ${checkout} (${layouts.join(' or ')})`);
  return require(found);
}

/** three.js's STL loader: ESM, and it runs in Node as is (parse needs only an ArrayBuffer). */
export async function loadThree() {
  const { STLLoader } = await import('three/examples/jsm/loaders/STLLoader.js');
  return new STLLoader();
}

export const loadNodeStl = () => require('node-stl');
