import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessTokenIssuer,
  generateSigningJwk,
  SigningKeys,
  type PrivateSigningJwk,
} from '@fabflow/auth';
import { SERVICE_IDS, type Role, type TokenIssuerId } from '@fabflow/contracts';

/**
 * A token issuer for one service's integration tests: signs tokens as the CRM (or the shop)
 * would, with a key of its own, and serves its JWKS over HTTP on a free port, so the service
 * under test fetches and checks them exactly as it does the real issuer's. Pass `env` to the
 * service.
 */
export class TestTokenIssuer {
  private constructor(
    private readonly server: Server,
    private readonly issuer: AccessTokenIssuer,
    readonly id: TokenIssuerId,
    readonly key: PrivateSigningJwk,
    private readonly keys: SigningKeys,
  ) {}

  static async start(
    id: TokenIssuerId = SERVICE_IDS.crm,
    ttlSeconds = 900,
  ): Promise<TestTokenIssuer> {
    const key = await generateSigningJwk();
    const keys = await SigningKeys.load([key]);
    const server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(keys.jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new TestTokenIssuer(server, new AccessTokenIssuer(id, keys, ttlSeconds), id, key, keys);
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** The service's environment that makes it trust this issuer. */
  get env(): { AUTH_JWKS_URLS: string } {
    return { AUTH_JWKS_URLS: `${this.id}=${this.jwksUrl}` };
  }

  async token(userId: string, role: Role): Promise<string> {
    return (await this.issuer.issue({ userId, role })).accessToken;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
