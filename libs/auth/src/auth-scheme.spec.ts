import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, Authenticators } from './auth.guard';
import { AuthScheme, Public, Roles, routeAccess } from './route-access';
import { InvalidTokenError, KeysUnavailableError, type AccessTokenVerification } from './tokens';

class Routes {
  @AuthScheme('api-key') b2b(this: void) {}
  @Public() open(this: void) {}
  jwt(this: void) {}
}

const ctxFor = (handler: keyof Routes, headers: Record<string, string> = {}) =>
  ({
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  }) as unknown as ExecutionContext;

describe('AuthGuard with another authentication scheme', () => {
  // Accepts the one token "good-token" as an admin's, refuses every other.
  const tokens: AccessTokenVerification = {
    verify: (token) =>
      token === 'good-token'
        ? Promise.resolve({
            userId: 'u',
            role: 'admin',
            issuer: 'fabflow-crm',
            issuedAt: 0,
            expiresAt: 0,
            tokenId: 'j',
          })
        : Promise.reject(new InvalidTokenError('bad token')),
  };

  it('refuses a route of a scheme nobody registered (fail closed, never public)', () => {
    const guard = new AuthGuard(tokens, new Reflector());
    assert.throws(() => guard.canActivate(ctxFor('b2b')), UnauthorizedException);
  });

  it('takes a valid bearer token on a token route and refuses a missing or bad one', async () => {
    const guard = new AuthGuard(tokens, new Reflector());
    assert.equal(
      await guard.canActivate(ctxFor('jwt', { authorization: 'Bearer good-token' })),
      true,
    );
    await assert.rejects(
      async () => guard.canActivate(ctxFor('jwt', { authorization: 'Bearer other' })),
      UnauthorizedException,
    );
    await assert.rejects(async () => guard.canActivate(ctxFor('jwt')), UnauthorizedException);
  });

  it("answers 503 with the verifier's Retry-After when the issuer's keys cannot be fetched", async () => {
    const unreachable: AccessTokenVerification = {
      verify: () => Promise.reject(new KeysUnavailableError('fabflow-crm', 7)),
    };
    const sent: Record<string, string> = {};
    const ctx = {
      getHandler: () => Routes.prototype.jwt,
      getClass: () => Routes,
      switchToHttp: () => ({
        getRequest: () => ({ headers: { authorization: 'Bearer a.b.c' } }),
        getResponse: () => ({ header: (name: string, value: string) => (sent[name] = value) }),
      }),
    } as unknown as ExecutionContext;
    const guard = new AuthGuard(unreachable, new Reflector());
    await assert.rejects(async () => guard.canActivate(ctx), ServiceUnavailableException);
    assert.deepEqual(sent, { 'retry-after': '7' });
  });

  it("hands the route to its scheme's authenticator, which decides alone", async () => {
    const authenticators = new Authenticators();
    const seen: string[] = [];
    authenticators.register('api-key', {
      authenticate: (ctx) => {
        const h = ctx.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers;
        seen.push(h['x-api-key'] ?? '');
        if (h['x-api-key'] !== 'good') return Promise.reject(new ForbiddenException('no'));
        return Promise.resolve();
      },
    });
    const guard = new AuthGuard(tokens, new Reflector(), authenticators);
    assert.equal(await guard.canActivate(ctxFor('b2b', { 'x-api-key': 'good' })), true);
    await assert.rejects(
      async () => guard.canActivate(ctxFor('b2b', { 'x-api-key': 'bad' })),
      ForbiddenException,
    );
    // A bearer token is no way into an API-key route.
    await assert.rejects(
      async () => guard.canActivate(ctxFor('b2b', { authorization: 'Bearer good-token' })),
      ForbiddenException,
    );
    assert.deepEqual(seen, ['good', 'bad', '']);
    // Other routes are unchanged: token routes still need a token.
    await assert.rejects(async () => guard.canActivate(ctxFor('jwt')), UnauthorizedException);
    assert.equal(guard.canActivate(ctxFor('open')), true);
    assert.throws(() => authenticators.register('api-key', { authenticate: async () => {} }));
  });
});

describe('routeAccess: the access rule of a route, from its and its controller’s decorators', () => {
  @Roles('manager')
  class Staff {
    list(this: void) {}
    @Public() ping(this: void) {}
    @Roles('operator') run(this: void) {}
  }
  @AuthScheme('api-key')
  class Partner {
    read(this: void) {}
  }
  const reflector = new Reflector();

  it('takes the handler’s decorator over the controller’s', () => {
    assert.deepEqual(routeAccess(reflector, Staff.prototype.list, Staff), {
      kind: 'token',
      roles: ['manager'],
    });
    assert.deepEqual(routeAccess(reflector, Staff.prototype.ping, Staff), { kind: 'public' });
    assert.deepEqual(routeAccess(reflector, Staff.prototype.run, Staff), {
      kind: 'token',
      roles: ['operator'],
    });
    assert.deepEqual(routeAccess(reflector, Partner.prototype.read, Partner), {
      kind: 'scheme',
      scheme: 'api-key',
    });
    assert.deepEqual(routeAccess(reflector, Routes.prototype.jwt, Routes), {
      kind: 'token',
      roles: undefined,
    });
  });
});
