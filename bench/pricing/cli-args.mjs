// Command-line options. Parsed when this module is first imported, before the compiled engine
// loads, so that --help works without a build.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { intOption } from '../common/cli.mjs';

/** The systems, in the order of the table (`before` only with --engine-before). */
export const SYSTEMS = ['ours', 'before', 'three', 'nodestl'];

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '0.5,2,5' },
    reps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '10' },
    only: { type: 'string', default: 'ours,three,nodestl' },
    firm: { type: 'string', default: '2' },
    'firm-reps': { type: 'string', default: '3' },
    cylinder: { type: 'string', default: '1' },
    'tmp-dir': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'engine-before': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/pricing.mjs [options]
  --sizes LIST      mesh sizes in millions of triangles (default 0.5,2,5); each is a closed
                    torus written as binary STL to a temp dir, deleted at the end
  --reps N          measured runs per system and size, each in its own child process
                    (default 3); the order of the systems rotates from one round to the next
  --warmup W        untimed runs on a 100,000-triangle torus in each child before the measured
                    run, so the measured code is optimised (default 10, at most 4 s)
  --only LIST       systems: ours,three,nodestl (default all three)
                    ours     analyseModel(bytes, { unit: 'mm' }): parse, weld, measure, topology
                    three    three.js STLLoader.parse + a signed-volume and bbox loop
                    nodestl  new NodeStl(buffer): volume, area, bbox, centre of mass, watertight
  --engine-before DIR
                    also run ours from another build, interleaved with the rest: DIR is a
                    built checkout of an older commit (column "before")
  --firm M          size (millions of triangles) whose FIRM and INDICATIVE quotes are timed
                    with priceModel (default 2; 0 = skip)
  --firm-reps N     child processes for the quote timing (default 3)
  --cylinder M      also time the quotes of an upright faceted cylinder of M million triangles
                    (200 × 200 × 30 mm, every side triangle crosses every layer: the slicer's
                    worst case; default 1; 0 = skip). With --engine-before, the older build's
                    quotes of both meshes are timed too, in their own child processes
  --tmp-dir DIR     where the STL files go (default: a new directory under the OS temp dir)
  --cpu-prof        also write a V8 CPU profile of each of ours' children to
                    bench/results/profiles/ (the profiler slows ours down; figures are marked)
  --out FILE        JSON result path (default bench/results/pricing-<date>.json)`);
  process.exit(0);
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

const int = (name, min) => intOption(args, name, min);

const sizes = args.sizes.split(',').map(Number);
if (sizes.some((s) => !(s > 0 && s <= 40))) fail('--sizes: millions of triangles, each in (0, 40]');
const only = args.only.split(',');
const engineDir = args['engine-before'];
if (engineDir && !only.includes('before')) only.push('before');
if (only.includes('before') && !engineDir) fail('--only before needs --engine-before DIR');
const unknown = only.filter((s) => !SYSTEMS.includes(s));
if (unknown.length > 0) fail(`--only: unknown system ${unknown.join(', ')}; use ${SYSTEMS}`);
const firm = Number(args.firm);
if (!(firm >= 0 && firm <= 40)) fail('--firm: millions of triangles in [0, 40]');
const cylinder = Number(args.cylinder);
if (!(cylinder >= 0 && cylinder <= 10)) fail('--cylinder: millions of triangles in [0, 10]');

/** The run's configuration, as the report's `config`. */
export const opts = {
  sizes,
  reps: int('reps', 1),
  warmup: int('warmup', 0),
  only: SYSTEMS.filter((s) => only.includes(s)),
  firmSize: firm,
  cylinderSize: cylinder,
  firmReps: int('firm-reps', 1),
  cpuProf: args['cpu-prof'],
  engineBefore: engineDir ? resolve(engineDir) : undefined,
};

/** --tmp-dir and --out, if given. */
export const tmpDirOption = args['tmp-dir'];
export const outFile = args.out;
