// Command-line options, parsed before the compiled libraries load (so --help needs no build).
import { parseArgs } from 'node:util';
import { intOption } from '../common/cli.mjs';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '300' },
    'miss-iterations': { type: 'string', default: '150' },
    'baseline-iterations': { type: 'string', default: '12' },
    'deep-offset': { type: 'string', default: '10000' },
    limit: { type: 'string', default: '50' },
    'live-rounds': { type: 'string', default: '30' },
    reuse: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/dashboard.mjs [options]
  --count N                work orders to seed (default 1000000)
  --iterations N           requests per view for cache hits and the raw SQL (default 300)
  --miss-iterations N      requests per view for cache misses (default 150)
  --baseline-iterations N  pages per view of the naive baseline (default 12; each is slow)
  --deep-offset N          the deep page starts after this many rows (default 10000 = page 201)
  --limit N                page size (default 50)
  --live-rounds N          changes timed from the write to the list on another instance (default 30)
  --reuse DB               measure an already seeded database (made with --keep) instead of seeding
  --keep                   keep the database at the end (its name is printed)
  --out FILE               JSON result path (default bench/results/dashboard-<date>.json)`);
  process.exit(0);
}

const int = (name, min = 1) => intOption(args, name, min);

export const opts = {
  count: int('count'),
  iterations: int('iterations'),
  missIterations: int('miss-iterations'),
  baselineIterations: int('baseline-iterations'),
  deepOffset: int('deep-offset', 0),
  limit: int('limit'),
  liveRounds: int('live-rounds', 0),
  reuse: args.reuse,
  keep: args.keep,
};
export const outFile = args.out;
