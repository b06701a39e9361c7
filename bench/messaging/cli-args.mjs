// Command-line options. Parsed when this module is first imported, before the compiled
// libraries load, so that --help works without a build.
import { parseArgs } from 'node:util';
import { intOption } from '../common/cli.mjs';

/** The idle-pipeline probe: events far apart, so every one finds the relay asleep. */
export const TRICKLE = { events: 150, rate: 50 };
/** Backlog per stage of the stage-by-stage mode. */
export const STAGE_EVENTS = 5000;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '15000' },
    rate: { type: 'string', default: '1000' },
    producers: { type: 'string', default: '4' },
    prefetch: { type: 'string', default: '16' },
    pool: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '100' },
    'poll-ms': { type: 'string', default: '500' },
    relays: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '1000' },
    only: { type: 'string', default: 'ours,amqp,pg' },
    modes: { type: 'string', default: 'max,paced,trickle,stages' },
    'log-level': { type: 'string', default: 'warn' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node bench/messaging.mjs [options]
  --events N        events per mode and system (default 15000; paced mode lasts N/R seconds)
  --rate R          target rate of the paced mode, events/s (default 1000)
  --producers P     concurrent producer loops (default 4)
  --prefetch K      consumer prefetch, ours and ceiling A (default 16 = AMQP_PREFETCH default)
  --pool S          pg pool size per service (default 10 = createDatabase default)
  --batch-size B    outbox relay batch size (default 100 = OutboxRelay default)
  --poll-ms T       outbox relay safety-net poll (default 500 = OUTBOX_POLL_MS default)
  --relays K        outbox relay instances on the shop database (default 1, as one service
                    instance runs; more show what concurrent relays with SKIP LOCKED give)
  --warmup W        unrecorded events before each system's runs (default 1000)
  --only LIST       systems to run: ours,amqp,pg (default all)
  --modes LIST      max,paced,trickle,stages (default all four)
                    trickle: ${TRICKLE.events} events at ${TRICKLE.rate}/s, ours only: wake-up and
                      latency of an idle pipeline
                    stages: ours stage by stage on a backlog of min(N, ${STAGE_EVENTS}): producers
                      alone, then the relay alone, then the consumer alone
  --log-level L     library log level, to stderr (default warn)
  --out FILE        JSON result path (default bench/results/messaging-<date>.json)`);
  process.exit(0);
}

const int = (name, min = 1) => intOption(args, name, min);

/** The run's configuration; the report's `config` is this, with `only` as an array. */
export const opts = {
  events: int('events'),
  rate: int('rate'),
  producers: int('producers'),
  prefetch: int('prefetch'),
  pool: int('pool'),
  batchSize: int('batch-size'),
  pollMs: int('poll-ms', 10),
  relays: int('relays'),
  warmup: int('warmup', 0),
  only: new Set(args.only.split(',')),
  modes: args.modes.split(',').filter((m) => ['max', 'paced', 'trickle', 'stages'].includes(m)),
  logLevel: args['log-level'],
};

/** --out: the JSON result path, if given. */
export const outFile = args.out;
