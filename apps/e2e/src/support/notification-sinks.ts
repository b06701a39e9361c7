import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

/** A chat incoming webhook (Slack-compatible) as the test's own HTTP server: keeps every JSON body. */
export class WebhookSink {
  private constructor(
    private readonly server: Server,
    readonly received: Array<{ path: string; body: unknown }>,
  ) {}

  static async start(): Promise<WebhookSink> {
    const received: Array<{ path: string; body: unknown }> = [];
    const server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookSink(server, received);
  }

  get url(): string {
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent (headers and MIME parts), quoted-printable decoded. */
  data: string;
}

/** Undoes quoted-printable (soft line breaks and =XX escapes), enough to search a mail's text. */
function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The smallest SMTP server Alertmanager can deliver to (EHLO/HELO, MAIL, RCPT, DATA, RSET, QUIT;
 * no TLS, no AUTH): keeps every message.
 */
export class SmtpSink {
  private constructor(
    private readonly server: TcpServer,
    readonly received: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpSink> {
    const received: ReceivedMail[] = [];
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      smtpSession(socket, received);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.on('close', () => sockets.forEach((s) => s.destroy()));
    return new SmtpSink(server, received);
  }

  get hostPort(): string {
    const a = this.server.address();
    if (!a || typeof a === 'string') throw new Error('not listening');
    return `127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** One SMTP conversation: every message it delivers is pushed to `received`. */
function smtpSession(socket: Socket, received: ReceivedMail[]): void {
  let buffer = '';
  let inData = false;
  let mail: ReceivedMail = { from: '', to: [], data: '' };
  const reply = (line: string) => socket.write(`${line}\r\n`);
  reply('220 fabflow-test-smtp ready');
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        mail.data = decodeQuotedPrintable(buffer.slice(0, end).replace(/^\.\./gm, '.'));
        received.push(mail);
        mail = { from: '', to: [], data: '' };
        buffer = buffer.slice(end + 5);
        inData = false;
        reply('250 OK: queued');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      switch (line.slice(0, 4).toUpperCase()) {
        case 'EHLO':
          socket.write('250-fabflow-test-smtp\r\n250 8BITMIME\r\n');
          break;
        case 'HELO':
          reply('250 fabflow-test-smtp');
          break;
        case 'MAIL':
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 OK');
          break;
        case 'RCPT':
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
          break;
        case 'DATA':
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
          break;
        case 'RSET':
          mail = { from: '', to: [], data: '' };
          reply('250 OK');
          break;
        case 'QUIT':
          reply('221 bye');
          socket.end();
          break;
        default:
          reply(line.toUpperCase().startsWith('NOOP') ? '250 OK' : '502 not implemented');
      }
    }
  });
}
