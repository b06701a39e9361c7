import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { ObjectStore, type StoredObject } from './object-store';
import { authenticate, type Credentials } from './request-auth';
import { S3Error, errorXml, xmlEscape } from './s3-error';
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, parseQuery } from './sigv4';

export interface EmbeddedS3Options {
  /** Where objects are kept (created if missing). */
  dir: string;
  credentials: Credentials;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest object accepted (S3's single PUT limit is 5 GiB). */
  maxObjectBytes?: number;
}

const XML = 'application/xml';

/**
 * A small S3-compatible server for development and tests: path-style buckets, PUT/GET/HEAD/
 * DELETE object (with ranges), create/head bucket and ListObjectsV2, every request checked
 * with Signature V4 (Authorization header or presigned query, expiry included), signed
 * `content-length` enforced, payload SHA-256 and `x-amz-checksum-crc32` verified before an
 * object becomes visible, and CORS for browser uploads. MinIO or AWS S3 replace it when
 * `S3_ENDPOINT` points elsewhere; the code talking to it is the same AWS SDK either way.
 */
export class EmbeddedS3Server {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(opts: EmbeddedS3Options): Promise<EmbeddedS3Server> {
    await mkdir(opts.dir, { recursive: true });
    const store = new ObjectStore(opts.dir);
    const maxBytes = opts.maxObjectBytes ?? 5 * 1024 ** 3;
    const server = createServer((req, res) => {
      const requestId = randomBytes(8).toString('hex').toUpperCase();
      res.setHeader('x-amz-request-id', requestId);
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', 'ETag, x-amz-request-id');
      handle(req, res, store, opts.credentials, maxBytes).catch((err: unknown) => {
        const e =
          err instanceof S3Error
            ? err
            : new S3Error(500, 'InternalError', (err as Error).message ?? 'internal error');
        // Unread request bodies are dropped with the connection, not read into memory.
        if (!req.complete) res.setHeader('connection', 'close');
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.statusCode = e.status;
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        res.setHeader('content-type', XML);
        res.end(errorXml(e, requestId));
      });
    });
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

function objectHeaders(res: ServerResponse, o: StoredObject) {
  res.setHeader('etag', o.etag);
  res.setHeader('last-modified', o.lastModified);
  res.setHeader('content-type', o.contentType);
  res.setHeader('accept-ranges', 'bytes');
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive range; undefined when absent. */
function parseRange(value: string | undefined, size: number) {
  if (!value) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === ''))
    throw new S3Error(416, 'InvalidRange', 'the requested range is not satisfiable');
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size)
    throw new S3Error(416, 'InvalidRange', 'the requested range is not satisfiable');
  return { start, end };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  creds: Credentials,
  maxBytes: number,
): Promise<void> {
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const qAt = rawUrl.indexOf('?');
  const path = qAt < 0 ? rawUrl : rawUrl.slice(0, qAt);
  const query = parseQuery(qAt < 0 ? '' : rawUrl.slice(qAt + 1));

  if (method === 'OPTIONS') {
    // CORS preflight of a browser upload: the presigned URL itself is the authorisation.
    res.setHeader('access-control-allow-methods', 'GET, PUT, HEAD');
    res.setHeader(
      'access-control-allow-headers',
      req.headers['access-control-request-headers'] ?? '*',
    );
    res.setHeader('access-control-max-age', '600');
    res.statusCode = 200;
    res.end();
    return;
  }

  const auth = authenticate({ method, path, query, headers: req.headers }, creds);
  const segments = path.split('/').slice(1);
  const bucket = decodeURIComponent(segments[0] ?? '');
  const key = segments.slice(1).map(decodeURIComponent).join('/');
  if (!bucket) throw new S3Error(405, 'MethodNotAllowed', 'listing buckets is not supported');
  if (!ObjectStore.validBucketName(bucket))
    throw new S3Error(400, 'InvalidBucketName', `"${bucket}" is not a valid bucket name`);

  if (!key) {
    if (method === 'PUT') {
      if (!(await store.createBucket(bucket)))
        throw new S3Error(
          409,
          'BucketAlreadyOwnedByYou',
          'your previous request to create the named bucket succeeded',
        );
      res.setHeader('location', `/${bucket}`);
      res.end();
      return;
    }
    if (!(await store.bucketExists(bucket)))
      throw new S3Error(404, 'NoSuchBucket', 'the specified bucket does not exist', `/${bucket}`);
    if (method === 'HEAD') return void res.end();
    if (method === 'GET') return void list(res, store, bucket, new Map(query));
    throw new S3Error(405, 'MethodNotAllowed', `${method} on a bucket is not supported`);
  }

  if (!(await store.bucketExists(bucket)))
    throw new S3Error(404, 'NoSuchBucket', 'the specified bucket does not exist', `/${bucket}`);

  switch (method) {
    case 'PUT':
      return put(req, res, store, bucket, key, auth.payloadHash, query, maxBytes);
    case 'GET':
    case 'HEAD': {
      const o = await store.head(bucket, key);
      if (!o)
        throw new S3Error(
          404,
          'NoSuchKey',
          'the specified key does not exist',
          `/${bucket}/${key}`,
        );
      objectHeaders(res, o);
      const range = parseRange(req.headers.range, o.size);
      if (range) {
        res.statusCode = 206;
        res.setHeader('content-range', `bytes ${range.start}-${range.end}/${o.size}`);
        res.setHeader('content-length', range.end - range.start + 1);
      } else res.setHeader('content-length', o.size);
      if (method === 'HEAD') return void res.end();
      if (o.size === 0) return void res.end();
      await pipeline(store.read(bucket, key, range), res);
      return;
    }
    case 'DELETE':
      await store.delete(bucket, key);
      res.statusCode = 204;
      res.end();
      return;
    default:
      throw new S3Error(405, 'MethodNotAllowed', `${method} is not supported`);
  }
}

async function put(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  bucket: string,
  key: string,
  payloadHash: string,
  query: Array<[string, string]>,
  maxBytes: number,
): Promise<void> {
  if (req.headers['x-amz-copy-source'])
    throw new S3Error(501, 'NotImplemented', 'CopyObject is not supported');
  if (query.some(([k]) => k === 'uploadId' || k === 'uploads'))
    throw new S3Error(501, 'NotImplemented', 'multipart uploads are not supported');
  if (payloadHash.startsWith('STREAMING-'))
    throw new S3Error(
      501,
      'NotImplemented',
      'aws-chunked uploads are not supported; configure the client with requestChecksumCalculation WHEN_REQUIRED',
    );
  const lengthHeader = req.headers['content-length'];
  if (lengthHeader === undefined)
    throw new S3Error(411, 'MissingContentLength', 'you must provide the Content-Length header');
  const length = Number(lengthHeader);
  if (length > maxBytes)
    throw new S3Error(400, 'EntityTooLarge', `the object exceeds the ${maxBytes}-byte limit`);

  const written = await store.write(
    bucket,
    key,
    req,
    String(req.headers['content-type'] ?? 'binary/octet-stream'),
    maxBytes,
  );
  const q = new Map(query);
  const crc = req.headers['x-amz-checksum-crc32'] ?? q.get('x-amz-checksum-crc32');
  const fail = async (err: S3Error) => {
    await store.discard(written);
    throw err;
  };
  if (written.object.size !== length)
    return fail(new S3Error(400, 'IncompleteBody', 'the body is shorter than Content-Length'));
  if (payloadHash !== UNSIGNED_PAYLOAD && payloadHash !== written.sha256)
    return fail(
      new S3Error(
        400,
        'XAmzContentSHA256Mismatch',
        'the provided x-amz-content-sha256 does not match what was computed',
      ),
    );
  if (payloadHash === EMPTY_SHA256 && written.object.size !== 0)
    return fail(new S3Error(400, 'XAmzContentSHA256Mismatch', 'the body should be empty'));
  if (crc !== undefined && crc !== written.crc32)
    return fail(
      new S3Error(
        400,
        'BadDigest',
        'the CRC32 you specified did not match the calculated checksum',
      ),
    );
  await store.commit(written);
  res.setHeader('etag', written.object.etag);
  if (crc !== undefined) res.setHeader('x-amz-checksum-crc32', written.crc32);
  res.end();
}

async function list(
  res: ServerResponse,
  store: ObjectStore,
  bucket: string,
  q: Map<string, string>,
) {
  if (q.get('list-type') !== '2')
    throw new S3Error(501, 'NotImplemented', 'only ListObjectsV2 (list-type=2) is supported');
  const prefix = q.get('prefix') ?? '';
  const max = Math.min(1000, Number(q.get('max-keys') ?? 1000));
  const after = q.get('continuation-token') ?? q.get('start-after') ?? '';
  const all = (await store.list(bucket, prefix)).filter((o) => o.key > after);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const contents = page
    .map(
      (o) =>
        `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified>` +
        `<ETag>${xmlEscape(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  res.setHeader('content-type', XML);
  res.end(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (truncated
        ? `<NextContinuationToken>${xmlEscape(page.at(-1)!.key)}</NextContinuationToken>`
        : '') +
      contents +
      '</ListBucketResult>',
  );
}
