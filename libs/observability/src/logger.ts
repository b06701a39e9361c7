import pino, { type Logger } from 'pino';
import { currentContext } from './request-context';
import { activeTraceIds } from './trace-context';

export type { Logger } from 'pino';

/** Paths always redacted, whatever the config says: credentials and personal data. */
const ALWAYS_REDACTED = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'email',
  '*.email',
  'secret',
  '*.secret',
];

export interface LoggerOptions {
  service: string;
  level: string;
  /** Config variable names flagged sensitive; redacted wherever they appear in a log object. */
  sensitiveKeys?: string[];
  /** Where to write; defaults to stdout. */
  destination?: pino.DestinationStream;
}

/** A JSON logger that stamps every line with the service and the current correlation/trace ids. */
export function createLogger(opts: LoggerOptions): Logger {
  const extra = (opts.sensitiveKeys ?? []).flatMap((k) => [k, `*.${k}`]);
  return pino(
    {
      level: opts.level,
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...ALWAYS_REDACTED, ...extra], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentContext();
        return {
          ...activeTraceIds(),
          ...(ctx ? { correlation_id: ctx.correlationId, ...ctx.fields } : {}),
        };
      },
    },
    opts.destination,
  );
}
