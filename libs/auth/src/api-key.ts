import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * B2B API keys: `ff_live_<prefix>_<secret>`. The prefix (10 base32 characters, 50 bits) names
 * the key and is stored in clear; the secret (52 base32 characters, 256 random bits) is shown
 * once and only its SHA-256 is stored. A slow password hash (scrypt) buys nothing for a
 * 256-bit random secret, which cannot be guessed, and would cost tens of milliseconds of CPU on
 * every API call; a fast hash keeps verification in microseconds.
 */
export const API_KEY_PATTERN = /^ff_live_([a-z2-7]{10})_([a-z2-7]{52})$/;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, without padding. */
export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export interface NewApiKey {
  /** The whole key: give it to the client once, never store it. */
  key: string;
  prefix: string;
  /** Hex SHA-256 of the whole key: what is stored and projected. */
  secretHash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): NewApiKey {
  const prefix = base32(randomBytes(7)).slice(0, 10);
  const secret = base32(randomBytes(33)).slice(0, 52);
  const key = `ff_live_${prefix}_${secret}`;
  return { key, prefix, secretHash: hashApiKey(key) };
}

export type ParsedApiKey = { ok: true; prefix: string } | { ok: false; reason: string };

/** Checks the shape only (no lookup): a clear reason for a malformed key. */
export function parseApiKey(value: string): ParsedApiKey {
  const m = API_KEY_PATTERN.exec(value);
  if (m?.[1]) return { ok: true, prefix: m[1] };
  if (!value.startsWith('ff_live_'))
    return { ok: false, reason: 'an API key starts with "ff_live_"' };
  return {
    ok: false,
    reason: 'malformed API key: expected ff_live_<10 characters>_<52 characters> (a-z, 2-7)',
  };
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(key).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
