import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { hashPassword, verifyLogin, verifyPassword } from './password';
import { InvalidTokenError, TokenService } from './tokens';

const SECRET = 'a'.repeat(40);

describe('passwords', () => {
  it('verify the right password and refuse a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
  });

  it('refuse a login for an unknown user, even with the dummy hash password path', async () => {
    assert.equal(await verifyLogin('anything', undefined), false);
    assert.equal(await verifyLogin('right-password', await hashPassword('right-password')), true);
  });

  it('salt each hash', async () => {
    assert.notEqual(await hashPassword('same-password'), await hashPassword('same-password'));
  });
});

describe('TokenService', () => {
  const tokens = new TokenService(SECRET, 60);

  it('round-trips the principal', () => {
    const { accessToken } = tokens.issue({ userId: 'u1', role: 'manager' });
    assert.deepEqual(tokens.verify(accessToken), { userId: 'u1', role: 'manager' });
  });

  it('rejects a token signed with another key', () => {
    const { accessToken } = new TokenService('b'.repeat(40), 60).issue({
      userId: 'u1',
      role: 'admin',
    });
    assert.throws(() => tokens.verify(accessToken), InvalidTokenError);
  });

  it('rejects an expired token with a clear reason', () => {
    const expired = jwt.sign(
      { role: 'customer', exp: Math.floor(Date.now() / 1000) - 10 },
      SECRET,
      {
        subject: 'u1',
        issuer: 'fabflow',
        audience: 'fabflow-api',
      },
    );
    assert.throws(() => tokens.verify(expired), /expired/);
  });

  it('rejects the none algorithm', () => {
    const unsigned = jwt.sign(
      { role: 'admin', sub: 'u1', iss: 'fabflow', aud: 'fabflow-api' },
      '',
      {
        algorithm: 'none',
      },
    );
    assert.throws(() => tokens.verify(unsigned), InvalidTokenError);
  });
});
