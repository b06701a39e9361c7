import { createHash } from 'node:crypto';

export interface LuaScript {
  name: string;
  source: string;
  sha: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/*
 * The clock is Redis's (TIME), so instances whose own clocks disagree still share one
 * timeline. The last argument may carry an explicit "now" in microseconds instead: the
 * integration tests drive the real script with it; production never passes one.
 * Times are microseconds, which a Lua double holds exactly (< 2^53 until the year 2255).
 * Numbers are written with %.0f: Lua's tostring would write 1.7e+15.
 */
const CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local now
if ARGV[#ARGV] ~= '' then
  now = tonumber(ARGV[#ARGV])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
`;

/**
 * GCRA, one atomic step. KEYS[1] = the bucket's key (its TAT).
 * ARGV: emission interval T (us), burst (capacity), cost, now override (us or '').
 * Returns {allowed 0|1, remaining, retry_after_us, reset_after_us}.
 */
export const GCRA_SCRIPT = script(
  'gcra',
  `${CLOCK}
local t = tonumber(ARGV[1])
local capacity = t * tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + t * cost
local allow_at = new_tat - capacity
if now < allow_at then
  local remaining = math.floor((now - (tat - capacity)) / t)
  if remaining < 0 then remaining = 0 end
  return {0, remaining, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, math.floor((now - allow_at) / t), 0, new_tat - now}
`,
);

/**
 * A daily quota counter. KEYS[1] = the counter's prefix; the script appends the UTC day number
 * (from its clock), so every instance counts into the same day at midnight whatever its own
 * clock says. The prefix carries a hash tag, so the day key lives in the prefix's slot.
 * ARGV: limit, cost (0 = only read), now override (us or '').
 * Returns {allowed 0|1, used, reset_after_us}. A refused request is not counted.
 */
export const QUOTA_SCRIPT = script(
  'quota',
  `${CLOCK}
local limit = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local day = math.floor(math.floor(now / 1000000) / 86400)
local key = KEYS[1] .. ':' .. string.format('%.0f', day)
local reset = (day + 1) * 86400000000 - now
local used = tonumber(redis.call('GET', key) or '0')
if cost == 0 then return {1, used, reset} end
if used + cost > limit then return {0, used, reset} end
used = redis.call('INCRBY', key, cost)
redis.call('EXPIRE', key, math.ceil(reset / 1000000) + 3600)
return {1, used, reset}
`,
);
