import { parseArgs } from 'node:util';
import type { ReplaySelection } from '@fabflow/messaging';

export const USAGE = `Usage: npm run -s dlq -- <command> [options]

Commands:
  list [--queue Q]                       depth and messages grouped by error, per queue
  messages Q [--type T] [--limit N]      dead-lettered messages of queue Q (default limit 50)
  show Q ID                              one message with its headers and body
  replay Q (--all | --type T | --id ID...) [--rate N] [--limit N]
                                         put messages back on Q (they keep their ids;
                                         default 50 per second, at most N per run)
  purge Q --confirm Q                    delete every message of Q's DLQ for good

Options:
  --json     print JSON instead of tables
  --help     this text

Q is a subscription queue (its DLQ is Q.dlq). The broker is taken from AMQP_URLS
(comma-separated; default amqp://guest:guest@127.0.0.1:5672).`;

export type Command =
  | { name: 'help' }
  | { name: 'list'; queues: string[] }
  | { name: 'messages'; queue: string; type?: string; limit: number }
  | { name: 'show'; queue: string; id: string }
  | {
      name: 'replay';
      queue: string;
      selection: ReplaySelection;
      ratePerSecond: number;
      limit: number;
    }
  | { name: 'purge'; queue: string; confirm: string };

export interface ParsedArgs {
  command: Command;
  json: boolean;
}

/** Bad arguments: the CLI prints the reason and the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  queue: { type: 'string' },
  type: { type: 'string' },
  limit: { type: 'string' },
  id: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  rate: { type: 'string' },
  confirm: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options each command accepts besides --json and --help. */
const ALLOWED: Record<Exclude<Command['name'], 'help'>, OptionName[]> = {
  list: ['queue'],
  messages: ['type', 'limit'],
  show: [],
  replay: ['all', 'type', 'id', 'rate', 'limit'],
  purge: ['confirm'],
};

function int(name: string, raw: string | undefined, min: number, max: number, dflt: number) {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** Parses argv (without node and the script) against the known subscription queues. */
export function parseCliArgs(argv: string[], knownQueues: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return { command: { name: 'help' }, json };
  if (name === undefined) throw new UsageError('no command given');
  if (!Object.hasOwn(ALLOWED, name)) throw new UsageError(`unknown command "${name}"`);
  const commandName = name as keyof typeof ALLOWED;
  for (const [option, value] of Object.entries(values)) {
    if (value === undefined || option === 'json' || option === 'help') continue;
    if (!ALLOWED[commandName].includes(option as OptionName))
      throw new UsageError(`${commandName} does not take --${option}`);
  }
  const queueArg = (what: string) => {
    const queue = rest[0];
    if (queue === undefined) throw new UsageError(`${commandName} needs ${what}`);
    if (!knownQueues.includes(queue))
      throw new UsageError(`unknown queue "${queue}"; known queues: ${knownQueues.join(', ')}`);
    return queue;
  };
  const expectPositionals = (n: number) => {
    if (rest.length > n) throw new UsageError(`unexpected argument(s): ${rest.slice(n).join(' ')}`);
  };

  switch (commandName) {
    case 'list': {
      expectPositionals(0);
      if (values.queue !== undefined && !knownQueues.includes(values.queue))
        throw new UsageError(
          `unknown queue "${values.queue}"; known queues: ${knownQueues.join(', ')}`,
        );
      return {
        command: { name: 'list', queues: values.queue ? [values.queue] : [...knownQueues] },
        json,
      };
    }
    case 'messages': {
      const queue = queueArg('a queue');
      expectPositionals(1);
      const limit = int('limit', values.limit, 1, 500, 50);
      return { command: { name: 'messages', queue, type: values.type, limit }, json };
    }
    case 'show': {
      const queue = queueArg('a queue and a message id');
      const id = rest[1];
      if (id === undefined) throw new UsageError('show needs a queue and a message id');
      expectPositionals(2);
      return { command: { name: 'show', queue, id }, json };
    }
    case 'replay': {
      const queue = queueArg('a queue');
      expectPositionals(1);
      const selectors = [values.all === true, values.type !== undefined, values.id !== undefined];
      if (selectors.filter(Boolean).length !== 1)
        throw new UsageError('replay needs exactly one of --all, --type T or --id ID (repeatable)');
      const selection: ReplaySelection = values.all
        ? { all: true }
        : values.type !== undefined
          ? { type: values.type }
          : { ids: values.id };
      return {
        command: {
          name: 'replay',
          queue,
          selection,
          ratePerSecond: int('rate', values.rate, 1, 500, 50),
          limit: int('limit', values.limit, 1, 10_000, 1000),
        },
        json,
      };
    }
    case 'purge': {
      const queue = queueArg('a queue');
      expectPositionals(1);
      if (values.confirm === undefined)
        throw new UsageError(`purge deletes messages for good: add --confirm ${queue}`);
      return { command: { name: 'purge', queue, confirm: values.confirm }, json };
    }
  }
}
