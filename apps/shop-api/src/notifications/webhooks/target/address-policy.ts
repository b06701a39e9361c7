import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a webhook may never reach: the machine itself, private networks, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT (Alibaba's metadata at
 * 100.100.100.200), multicast, unique-local IPv6 (AWS's IPv6 metadata fd00:ec2::254), and the
 * reserved, documentation and benchmarking ranges no real receiver lives in.
 */
const RANGES: ReadonlyArray<
  [network: string, prefix: number, type: 'ipv4' | 'ipv6', what: string]
> = [
  ['0.0.0.0', 8, 'ipv4', '"this network"'],
  ['10.0.0.0', 8, 'ipv4', 'a private network'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'the loopback interface'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'a private network'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay anycast'],
  ['192.168.0.0', 16, 'ipv4', 'a private network'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved (and broadcast)'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['::1', 128, 'ipv6', 'the loopback interface'],
  ['100::', 64, 'ipv6', 'discard-only'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'unique-local (cloud metadata)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const blocked = RANGES.map(([net, prefix, type, what]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return { list, type, what, cidr: `${net}/${prefix}` };
});

/**
 * The IPv4 address an IPv6 address carries and routes to: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/16).
 */
function embeddedIpv4(v6: string): string | undefined {
  const words = expandIpv6(v6);
  if (!words) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && (words[5] === 0xffff || words[5] === 0) && !zero(6, 8))
    return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted IPv4 part included). */
function expandIpv6(address: string): number[] | undefined {
  let s = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    s =
      s.slice(0, -dotted[1]!.length) +
      `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const fill = 8 - h.length - t.length;
  if (tail === undefined ? h.length !== 8 : fill < 0) return undefined;
  return [...h, ...Array<number>(tail === undefined ? 0 : fill).fill(0), ...t];
}

/**
 * Why a webhook must not connect to `address` (an IP literal), or undefined when it may. An
 * IPv6 address that embeds an IPv4 one is judged by both.
 */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const b of blocked)
    if (b.type === type && b.list.check(address, type))
      return `${address} is ${b.what} (${b.cidr})`;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) {
      const inner = forbiddenAddressReason(v4);
      if (inner) return `${address} embeds ${inner}`;
    }
  }
  return undefined;
}

/** Whether `address` is a loopback address (allowed only with WEBHOOK_ALLOW_HTTP_LOCALHOST). */
export function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : undefined;
  return address === '::1' || (v4 !== undefined && v4.startsWith('127.'));
}
