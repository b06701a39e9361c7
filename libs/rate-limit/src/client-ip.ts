import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` → `10.0.0.1`, so IPv4 clients are one key whichever socket family saw them. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/**
 * Trusted proxies from `TRUSTED_PROXIES` entries (`10.0.0.0/8`, `127.0.0.1`, `fd00::/8`).
 * Throws on an entry that is neither an address nor a CIDR.
 */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const ip = normalizeIp(address ?? '');
    if (!isIP(ip)) throw new Error(`not an IP address or CIDR: "${entry}"`);
    if (bits === undefined) list.addAddress(ip, family(ip));
    else {
      const prefix = Number(bits);
      const max = isIP(ip) === 6 ? 128 : 32;
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
        throw new Error(`bad prefix length in "${entry}"`);
      list.addSubnet(ip, prefix, family(ip));
    }
  }
  return list;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then
 * `X-Forwarded-For` is read from the right (each proxy appends the address it saw), skipping
 * trusted proxies, and the first address that is not one is the client. Entries left of it
 * were written by the client and are never believed. A malformed entry stops the walk at the
 * last trusted hop.
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList,
): string {
  let current = normalizeIp(remoteAddress ?? '');
  if (!isIP(current)) return current || 'unknown';
  const isTrusted = (ip: string) => trusted.check(ip, family(ip));
  if (!isTrusted(current) || forwardedFor === undefined) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map(normalizeIp)
    .filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return current;
    current = hop;
    if (!isTrusted(hop)) return hop;
  }
  return current;
}
