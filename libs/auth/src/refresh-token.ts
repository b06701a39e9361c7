import { createHash, randomBytes } from 'node:crypto';

/** The prefix of refresh tokens, so one is recognised in a log or a secret scanner. */
const PREFIX = 'ffr_';

/**
 * A new opaque refresh token: 256 random bits. Only its SHA-256 is stored: like an API key,
 * it cannot be guessed, so a slow hash would buy nothing.
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** Hex SHA-256 of a refresh token: the stored form and the lookup key. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
