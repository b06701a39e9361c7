import { lookup, Resolver } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to (a webhook target is checked against all of them). */
export type ResolveHost = (host: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address of both families. */
export const systemResolver: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * Resolution through the given DNS servers (`host:port`), A and AAAA records: for operators who
 * want webhook targets resolved by a resolver of their choosing, and for tests, which answer
 * from a DNS server of their own.
 */
export function dnsServersResolver(servers: readonly string[]): ResolveHost {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([...servers]);
  const records = (query: Promise<string[]>) =>
    query.catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return [];
      throw err;
    });
  return async (host) => {
    const [v4, v6] = await Promise.all([
      records(resolver.resolve4(host)),
      records(resolver.resolve6(host)),
    ]);
    if (v4.length + v6.length === 0)
      throw Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' });
    return [
      ...v4.map((address) => ({ address, family: 4 as const })),
      ...v6.map((address) => ({ address, family: 6 as const })),
    ];
  };
}
