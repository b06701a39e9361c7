import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dummyPasswordHash, hashPassword, verifyLogin, verifyPassword } from './password';

describe('passwords', () => {
  it('verify the right password and refuse a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
  });

  it('salt each hash', async () => {
    assert.notEqual(await hashPassword('same-password'), await hashPassword('same-password'));
  });
});

describe('verifyLogin: an unknown account and a wrong password take the same path', () => {
  /** Runs a login with a check that records what it was asked, then really checks. */
  async function watched(password: string, storedHash: string | undefined) {
    const calls: string[] = [];
    const ok = await verifyLogin(password, storedHash, (p, h) => {
      calls.push(h);
      return verifyPassword(p, h);
    });
    return { ok, calls };
  }
  /** `scrypt$N$r$p$salt$hash` without the salt and hash: what decides the work. */
  const work = (hash: string) => {
    const [alg, n, r, p, salt, key] = hash.split('$');
    return [alg, n, r, p, salt?.length, key?.length];
  };

  it('exactly one scrypt of the same cost, and false, whether the account exists or not', async () => {
    const stored = await hashPassword('right-password');
    const unknown = await watched('wrong-password', undefined);
    const known = await watched('wrong-password', stored);
    assert.equal(unknown.ok, false);
    assert.equal(known.ok, false);
    assert.equal(unknown.calls.length, 1, 'an unknown account is still checked, once');
    assert.equal(known.calls.length, 1);
    assert.equal(unknown.calls[0], await dummyPasswordHash, 'against the dummy hash');
    assert.equal(known.calls[0], stored);
    assert.deepEqual(work(unknown.calls[0]), work(known.calls[0]), 'same parameters, same work');
  });

  it('never accepts an unknown account, even with the password of the dummy hash', async () => {
    // Whatever the check answers, no stored hash means no login.
    assert.equal(await verifyLogin('anything', undefined, () => Promise.resolve(true)), false);
    const stored = await hashPassword('right-password');
    assert.equal((await watched('right-password', stored)).ok, true);
  });
});
