import amqp, { type ChannelModel } from 'amqplib';
import { loadConfigOrExit } from '@fabflow/config';
import { ALL_SUBSCRIPTION_QUEUES } from '@fabflow/contracts';
import {
  DeadLetterQueues,
  DeadLetterRequestError,
  ReplayInterruptedError,
  UnknownQueueError,
  redactUrl,
} from '@fabflow/messaging';
import { parseCliArgs, USAGE, UsageError, type Command } from './cli-args';
import {
  formatDetail,
  formatMessages,
  formatPurge,
  formatReplay,
  formatSummary,
} from './cli-output';
import { dlqCliConfigSpec } from './dlq-cli.config';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`dlq: ${s}\n`);

/** The first broker node of the list that accepts a connection; fails fast, no retry loop. */
async function connectFirst(urls: string[]): Promise<ChannelModel> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      const conn = await amqp.connect(url, {
        timeout: 5000,
        clientProperties: { connection_name: 'fabflow-dlq-cli' },
      });
      conn.on('error', () => undefined);
      return conn;
    } catch (e) {
      failures.push(`${redactUrl(url)}: ${(e as Error).message}`);
    }
  }
  throw new Error(`cannot reach RabbitMQ (${failures.join('; ')})`);
}

/** Runs one command, prints its result and returns the exit code. */
async function run(
  dlqs: DeadLetterQueues,
  command: Exclude<Command, { name: 'help' }>,
  json: boolean,
): Promise<number> {
  const print = <T>(value: T, human: (v: T) => string) =>
    out(json ? JSON.stringify(value, null, 2) : human(value));
  switch (command.name) {
    case 'list':
      print(await dlqs.summary(command.queues), formatSummary);
      return EXIT_OK;
    case 'messages':
      print(
        await dlqs.list(command.queue, { type: command.type, limit: command.limit }),
        formatMessages,
      );
      return EXIT_OK;
    case 'show': {
      const message = await dlqs.show(command.queue, command.id);
      if (!message) {
        err(`message ${command.id} is not in ${command.queue}.dlq`);
        return EXIT_FAILED;
      }
      print(message, formatDetail);
      return EXIT_OK;
    }
    case 'replay':
      print(
        await dlqs.replay(command.queue, command.selection, {
          ratePerSecond: command.ratePerSecond,
          limit: command.limit,
        }),
        formatReplay,
      );
      return EXIT_OK;
    case 'purge':
      print(await dlqs.purge(command.queue, { confirm: command.confirm }), formatPurge);
      return EXIT_OK;
  }
}

/**
 * `npm run -s dlq -- list|messages|show|replay|purge …`: the DLQ tooling against the broker
 * itself, so it works while the services are down. Exit 0 done, 1 failed, 2 bad arguments.
 */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv, ALL_SUBSCRIPTION_QUEUES);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { command, json } = parsed;
  if (command.name === 'help') {
    out(USAGE);
    return EXIT_OK;
  }
  const config = loadConfigOrExit(dlqCliConfigSpec, 'dlq');
  const conn = await connectFirst(config.AMQP_URLS);
  try {
    const dlqs = new DeadLetterQueues(
      { connection: () => Promise.resolve(conn) },
      ALL_SUBSCRIPTION_QUEUES,
    );
    return await run(dlqs, command, json);
  } catch (e) {
    if (e instanceof UnknownQueueError || e instanceof DeadLetterRequestError) {
      err(e.message);
      return EXIT_USAGE;
    }
    if (e instanceof ReplayInterruptedError) {
      out(json ? JSON.stringify(e.result, null, 2) : formatReplay(e.result));
    }
    throw e;
  } finally {
    // Channels are closed by then (acks flushed, held messages returned); now the connection.
    await conn.close().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    err((e as Error).message);
    process.exitCode = EXIT_FAILED;
  },
);
