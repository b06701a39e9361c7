import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs ~128 MiB per hash; 2^15 with r=8 keeps a
// login under ~100 ms on a small core while staying memory-hard (32 MiB).
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
const MAXMEM = 64 * 1024 * 1024;

/** `scrypt$N$r$p$salt$hash` (base64url); parameters travel with the hash so they can grow. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS.keylen, {
    N: PARAMS.N,
    r: PARAMS.r,
    p: PARAMS.p,
    maxmem: MAXMEM,
  });
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, for comparing against when the user does not exist, so a login
 * for an unknown email costs as much as one for a known one (no user enumeration by timing).
 */
export const dummyPasswordHash = hashPassword(randomBytes(12).toString('hex'));

/** How a login checks a password against a hash (a parameter only so tests can watch it). */
export type PasswordCheck = (password: string, hash: string) => Promise<boolean>;

/**
 * Checks a login: false for a wrong password or an unknown user (`storedHash` undefined, or an
 * account without a password). Both take one and the same path: exactly one scrypt with the
 * same parameters (an unknown user is checked against a dummy hash), so neither the answer nor
 * the time it takes tells which emails have accounts.
 */
export async function verifyLogin(
  password: string,
  storedHash: string | undefined,
  check: PasswordCheck = verifyPassword,
): Promise<boolean> {
  const ok = await check(password, storedHash ?? (await dummyPasswordHash));
  return ok && storedHash !== undefined;
}
