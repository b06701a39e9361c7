import type { Redis } from 'ioredis';

/**
 * The work queue's Redis scripts: each is one round trip and atomic, so a lookup sees a
 * generation and its entry together, and an announcement bumps the generation before anyone
 * can hear of the change.
 */
export interface WorkQueueScripts {
  /**
   * → [generation, walPosition or '', cached value or '', 1 if the entry was missing and this
   * call took its lock with `token`]: a hit, or a miss that may compute, in one round trip.
   */
  wqLookup(
    generationKey: string,
    walKey: string,
    entryPrefix: string,
    entrySuffix: string,
    token: string,
    lockTtlMs: number,
  ): Promise<[string, string, string, number]>;
  /** Stores the entry for `ttlSeconds` and deletes the lock if it is still ours. */
  wqStore(
    entryKey: string,
    lockKey: string,
    value: string,
    ttlSeconds: number,
    token: string,
  ): Promise<number>;
  /** → [cached value or '', 1 if the lock is held] */
  wqPoll(entryKey: string, lockKey: string): Promise<[string, number]>;
  /** Deletes the lock only if it is still ours. */
  wqUnlock(lockKey: string, token: string): Promise<number>;
  /** Bumps the generation (if invalidate is '1'), raises the WAL position, publishes messages. */
  wqAnnounce(
    generationKey: string,
    walKey: string,
    channel: string,
    walPosition: string,
    invalidate: '0' | '1',
    ...messages: string[]
  ): Promise<number>;
}

const LOOKUP = `
local generation = redis.call('GET', KEYS[1]) or '0'
local wal = redis.call('GET', KEYS[2]) or ''
local entry = ARGV[1] .. generation .. ARGV[2]
local value = redis.call('GET', entry)
if value then return {generation, wal, value, 0} end
local locked = redis.call('SET', entry .. ':lock', ARGV[3], 'PX', ARGV[4], 'NX')
return {generation, wal, '', locked and 1 or 0}`;

const STORE = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;

const POLL = `
return {redis.call('GET', KEYS[1]) or '', redis.call('EXISTS', KEYS[2])}`;

const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// WAL positions are fixed-width hex, so string order is WAL order: the key only moves forward
// whatever order concurrent announcements arrive in.
const ANNOUNCE = `
if ARGV[3] == '1' then redis.call('INCR', KEYS[1]) end
if ARGV[2] ~= '' then
  local current = redis.call('GET', KEYS[2])
  if (not current) or current < ARGV[2] then redis.call('SET', KEYS[2], ARGV[2]) end
end
for i = 4, #ARGV do redis.call('PUBLISH', ARGV[1], ARGV[i]) end
return 1`;

/** The client, with the scripts defined on it (EVALSHA, loaded on first use). */
export function withWorkQueueScripts(redis: Redis): Redis & WorkQueueScripts {
  redis.defineCommand('wqLookup', { numberOfKeys: 2, lua: LOOKUP });
  redis.defineCommand('wqStore', { numberOfKeys: 2, lua: STORE });
  redis.defineCommand('wqPoll', { numberOfKeys: 2, lua: POLL });
  redis.defineCommand('wqUnlock', { numberOfKeys: 1, lua: UNLOCK });
  redis.defineCommand('wqAnnounce', { numberOfKeys: 2, lua: ANNOUNCE });
  return redis as Redis & WorkQueueScripts;
}
