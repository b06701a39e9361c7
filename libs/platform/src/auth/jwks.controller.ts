import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public, SigningKeys } from '@fabflow/auth';
import { JwkSet } from '@fabflow/contracts';
import { Endpoint } from '../endpoint.decorator';

/**
 * The public keys of the tokens this service signs (RFC 7517 JWK Set), for every verifier.
 * Cacheable briefly: verifiers keep their own copy for AUTH_JWKS_CACHE_SECONDS anyway, and a
 * proxy's copy must not hold a new key back for long.
 */
@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(SigningKeys) private readonly keys: SigningKeys) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @Endpoint({
    summary: 'The public keys that verify the access tokens this service signs (JWKS)',
    responses: { 200: JwkSet },
  })
  jwks() {
    return this.keys.jwks;
  }
}
