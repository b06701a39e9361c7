import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import {
  STATUS_CODES,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MultipartStore } from './multipart-store';
import { ObjectStore } from './object-store';
import type { Credentials } from './request-auth';
import { S3Error, errorXml } from './s3-error';
import { route, type RouterDeps } from './s3-router';

/** A log line of the server: something went wrong that is not the client's fault. */
export type EmbeddedS3Log = (
  entry: { level: 'warn' | 'error'; msg: string } & Record<string, unknown>,
) => void;

export interface EmbeddedS3Options {
  /** Where objects are kept (created if missing). */
  dir: string;
  credentials: Credentials;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest object accepted, whole or assembled from parts (a single PUT: 5 GiB at most). */
  maxObjectBytes?: number;
  /** Where failures are logged (default: JSON lines on stderr). */
  log?: EmbeddedS3Log;
}

const XML = 'application/xml';
/** Headers an error answer keeps; an object's (length, ETag, range) must not describe it. */
const KEPT_ON_ERROR = new Set([
  'x-amz-request-id',
  'access-control-allow-origin',
  'access-control-expose-headers',
]);

const stderrLog: EmbeddedS3Log = (entry) =>
  void process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

const newRequestId = () => randomBytes(8).toString('hex').toUpperCase();

/**
 * A small S3-compatible server for development and tests (path-style buckets): ListBuckets,
 * CreateBucket, HeadBucket, GetBucketLocation, ListObjects (v1 and v2, with delimiters),
 * PutObject, GetObject (with ranges), HeadObject, DeleteObject and multipart uploads
 * (create, upload part, complete, abort, list parts). Every request is checked with Signature
 * V4 (Authorization header or presigned query, expiry included); signed `content-length` is
 * enforced, payload SHA-256 and `x-amz-checksum-crc32` are verified before an object becomes
 * visible. Every other S3 operation answers 501 NotImplemented, and no request can stop the
 * process: whatever a handler throws becomes an S3 error document (500 InternalError and a log
 * line when it is not an S3Error). MinIO or AWS S3 replace it when `S3_ENDPOINT` points
 * elsewhere; the code talking to it is the same AWS SDK either way.
 */
export class EmbeddedS3Server {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(opts: EmbeddedS3Options): Promise<EmbeddedS3Server> {
    await mkdir(opts.dir, { recursive: true });
    const deps: RouterDeps = {
      credentials: opts.credentials,
      objects: new ObjectStore(opts.dir),
      uploads: new MultipartStore(opts.dir),
      maxObjectBytes: opts.maxObjectBytes ?? 5 * 1024 ** 3,
    };
    const log = opts.log ?? stderrLog;
    // A request without Host reaches the handler (and fails its signature, which signs the
    // host) instead of getting Node's bare 400.
    const server = createServer({ requireHostHeader: false }, (req, res) =>
      serve(req, res, deps, log),
    );
    server.on('clientError', answerClientError);
    // An `Expect` other than 100-continue: S3's error document rather than Node's bare 417.
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
      answerError(
        req,
        res,
        new S3Error(417, 'ExpectationFailed', 'only "Expect: 100-continue" is supported'),
        newRequestId(),
        log,
      ),
    );
    server.requestTimeout = 10 * 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return new EmbeddedS3Server(server, `http://${host}:${addr.port}`);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Runs one request; nothing it does can reject past here or throw out of an event. */
function serve(req: IncomingMessage, res: ServerResponse, deps: RouterDeps, log: EmbeddedS3Log) {
  const requestId = newRequestId();
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'ETag, x-amz-request-id');
  // A client that goes away mid-body or mid-answer errors these streams; the handler's own
  // await sees it too, so here it only must not become an uncaught 'error' event.
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  route(req, res, deps)
    .catch((err: unknown) => answerError(req, res, err, requestId, log))
    .catch((err: unknown) => {
      log({
        level: 'error',
        msg: 'embedded S3 could not answer an error',
        requestId,
        err: String(err),
      });
      res.destroy();
    });
}

function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  requestId: string,
  log: EmbeddedS3Log,
): void {
  // The client went away (mid-body, mid-answer): what failed is its connection, not the server.
  if (res.destroyed || req.socket.destroyed) return void res.destroy();
  let e: S3Error;
  if (err instanceof S3Error) e = err;
  else {
    e = new S3Error(500, 'InternalError', 'we encountered an internal error; please try again');
    log({
      level: 'error',
      msg: 'embedded S3 request failed',
      requestId,
      method: req.method,
      url: req.url?.slice(0, 512),
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
  // Past the headers there is nothing left to tell the client but that the answer is cut.
  if (res.headersSent) return void res.destroy();
  for (const name of res.getHeaderNames()) if (!KEPT_ON_ERROR.has(name)) res.removeHeader(name);
  // An unread body is dropped with the connection, never read into memory.
  if (!req.complete) res.setHeader('connection', 'close');
  res.statusCode = e.status;
  if (req.method === 'HEAD') return void res.end();
  const body = errorXml(e, requestId);
  res.setHeader('content-type', XML);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** What an HTTP request that Node cannot parse gets: S3's error document, then the socket closes. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // Mirrors Node's own handler: nothing to write to, or an answer already on its way.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent)
    return void socket.destroy();
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new S3Error(
          400,
          'RequestHeaderSectionTooLarge',
          'your request header section exceeds the maximum allowed size',
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new S3Error(
            408,
            'RequestTimeout',
            'your socket connection to the server was not read from or written to within the timeout period',
          )
        : new S3Error(
            400,
            'InvalidRequest',
            `the request is not valid HTTP/1.1 (${err.code ?? 'unparsable'})`,
          );
  const body = errorXml(e, newRequestId());
  socket.end(
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: ${XML}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
