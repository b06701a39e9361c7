import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIP } from 'node:net';

/** A name's records: its IPv4 and IPv6 addresses (an empty list: the name exists, no records). */
export type DnsZone = Record<string, readonly string[]>;

const A = 1;
const AAAA = 28;

/**
 * A DNS server (UDP, RFC 1035 wire format) that answers A and AAAA queries from a zone the test
 * controls and changes at will, and NXDOMAIN for names it does not know: for services
 * configured to resolve through it (the shop's WEBHOOK_DNS_SERVERS), so a test decides what a
 * host name resolves to, and can change it between two lookups (DNS rebinding).
 */
export class TestDnsServer {
  /** Queries received, as `name/type` (A or AAAA). */
  readonly queries: string[] = [];

  private constructor(
    private readonly socket: Socket,
    public zone: DnsZone,
  ) {
    socket.on('message', (msg, rinfo) => {
      const answer = this.answer(msg);
      if (answer) socket.send(answer, rinfo.port, rinfo.address);
    });
  }

  static async start(zone: DnsZone = {}): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new TestDnsServer(socket, zone);
  }

  /** `127.0.0.1:<port>`, for a resolver's server list. */
  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private answer(query: Buffer): Buffer | undefined {
    if (query.length < 17) return undefined;
    let at = 12;
    const labels: string[] = [];
    while (at < query.length && query[at] !== 0) {
      const len = query[at]!;
      labels.push(query.toString('ascii', at + 1, at + 1 + len));
      at += len + 1;
    }
    const question = query.subarray(12, at + 5);
    const type = query.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    this.queries.push(`${name}/${type === A ? 'A' : type === AAAA ? 'AAAA' : type}`);
    const known = Object.hasOwn(this.zone, name);
    const family = type === A ? 4 : type === AAAA ? 6 : 0;
    const addresses = known ? this.zone[name]!.filter((a) => isIP(a) === family) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, recursion available, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const records = addresses.map((a) => {
      const rdata = family === 4 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the question's name
      rr.writeUInt16BE(type, 2);
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(1, 6); // TTL 1 s: a later lookup may be answered differently
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    return Buffer.concat([header, question, ...records]);
  }
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const words = (p: string) => (p === '' ? [] : p.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const buf = Buffer.alloc(16);
  all.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
  return buf;
}
