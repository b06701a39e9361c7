import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REVOCATION_TTL_MS, type RevocationList } from '@fabflow/auth';
import type { Logger } from '@fabflow/observability';

/*
 * Under AUTH_REDIS_PREFIX (`fabflow:auth`): the channel `<prefix>:revocations` every instance of
 * every service listens on, and `<prefix>:revoked:<issuer>:<subject>` → the revocation time
 * (ms), for instances that start later.
 */
/** Safety net for a message lost while the subscriber reconnected. */
const RESYNC_MS = 30_000;
/** How long a revocation may wait for Redis before the caller is told it was not pushed. */
const PUSH_TIMEOUT_MS = 2000;

interface Revocation {
  issuer: string;
  subject: string;
  at: number;
}

function parseMessage(text: string): Revocation | undefined {
  try {
    const r = JSON.parse(text) as Partial<Revocation>;
    if (typeof r.issuer === 'string' && typeof r.subject === 'string' && typeof r.at === 'number')
      return r as Revocation;
  } catch {
    /* not one of ours */
  }
  return undefined;
}

const timeout = (ms: number) =>
  new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms).unref(),
  );

/**
 * Pushes revocations to every verifier and feeds this instance's `RevocationList`: a
 * revocation is applied here at once, written to Redis as a key that lives as long as a token
 * it refuses could (read by instances that start later, and on every resubscribe and every
 * 30 s), and published on a channel every instance subscribes to (milliseconds). While Redis is
 * down, other instances learn of it only from the keys once it is back; the access tokens'
 * lifetime bounds what they can accept meanwhile.
 */
export class RevocationFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly channel: string;
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly list: RevocationList,
    private readonly logger: Logger,
    prefix = 'fabflow:auth',
  ) {
    this.channel = `${prefix}:revocations`;
    this.keyPrefix = `${prefix}:revoked:`;
  }

  /** Refuses the subject's tokens issued until now everywhere; false when Redis did not take it. */
  async revoke(issuer: string, subject: string, at = Date.now()): Promise<boolean> {
    this.list.revoke(issuer, subject, at);
    const push = async () => {
      await this.redis.set(
        `${this.keyPrefix}${issuer}:${subject}`,
        String(at),
        'PX',
        REVOCATION_TTL_MS,
      );
      await this.redis.publish(this.channel, JSON.stringify({ issuer, subject, at }));
    };
    try {
      await Promise.race([push(), timeout(PUSH_TIMEOUT_MS)]);
      return true;
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, issuer, subject },
        'revocation not pushed (Redis): other instances refuse the tokens once they expire',
      );
      return false;
    }
  }

  onApplicationBootstrap(): void {
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('message', (_channel: string, text: string) => {
      const r = parseMessage(text);
      if (r) this.list.revoke(r.issuer, r.subject, r.at);
    });
    // After every (re)connection: what was published while this instance was not listening.
    sub.on('ready', () => void this.resync());
    sub.on('error', () => undefined);
    // Not awaited: a Redis outage at boot must not hold the service; ioredis resubscribes.
    sub.subscribe(this.channel).catch((err: Error) => {
      this.logger.warn({ err: err.message }, 'revocations not subscribed yet; retrying');
    });
    this.timer = setInterval(() => void this.resync(), RESYNC_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
  }

  /** Reads every revocation key into the list. */
  async resync(): Promise<void> {
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(
          cursor,
          'MATCH',
          `${this.keyPrefix}*`,
          'COUNT',
          500,
        );
        cursor = next;
        if (keys.length === 0) continue;
        const values = await this.redis.mget(...keys);
        keys.forEach((key, i) => this.apply(key, values[i] ?? null));
      } while (cursor !== '0');
    } catch (err) {
      this.logger.debug(
        { err: (err as Error).message },
        'revocation resync failed; retrying later',
      );
    }
  }

  private apply(key: string, value: string | null): void {
    const rest = key.slice(this.keyPrefix.length);
    const colon = rest.indexOf(':');
    const at = Number(value);
    if (colon > 0 && Number.isFinite(at))
      this.list.revoke(rest.slice(0, colon), rest.slice(colon + 1), at);
  }
}
