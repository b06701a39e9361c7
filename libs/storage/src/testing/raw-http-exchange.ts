import { connect } from 'node:net';

/** What came back on the connection of one raw request. */
export interface RawResponse {
  /** Undefined when the server closed the connection without an answer. */
  status: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawRequest {
  /** Request line and headers, CRLFs included: anything at all, valid HTTP or not. */
  head: Buffer;
  body: Buffer;
  /** Half-close the connection after sending (a body shorter than announced then ends). */
  halfClose: boolean;
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export function parseRawResponse(data: Buffer): RawResponse {
  // Interim answers (100 Continue) come before the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(data.subarray(0, 16).toString('latin1'))) {
    const interimEnd = data.indexOf('\r\n\r\n');
    if (interimEnd < 0) break;
    data = data.subarray(interimEnd + 4);
  }
  const end = data.indexOf('\r\n\r\n');
  const head = (end < 0 ? data : data.subarray(0, end)).toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = end < 0 ? Buffer.alloc(0) : data.subarray(end + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  else if (headers['content-length'] !== undefined)
    body = body.subarray(0, Number(headers['content-length']));
  return { status: m ? Number(m[1]) : undefined, headers, body };
}

/**
 * Sends bytes on a fresh TCP connection and collects everything that comes back until the
 * server closes it, or until nothing has happened for `idleMs` (the client then gives up and
 * drops the connection, as a stalled client would).
 */
export function rawExchange(
  host: string,
  port: number,
  req: RawRequest,
  idleMs = 1500,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseRawResponse(Buffer.concat(chunks)));
    };
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      idle();
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(req.head);
      if (req.body.length > 0) socket.write(req.body);
      if (req.halfClose) socket.end();
      idle();
    });
  });
}
