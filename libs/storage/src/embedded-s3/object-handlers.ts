import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { StoredObject } from './object-store';
import { declaredLength, payloadError, refuseChunkedPayload } from './payload-checks';
import { headerOf, resourceOf, type S3Context, type S3Handler } from './s3-context';
import { S3Error, notImplemented } from './s3-error';

/** S3's limit on one PUT: 5 GiB (larger objects need a multipart upload). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** Versions and single parts of an object are not modelled. */
function refuseVersionsAndParts(ctx: S3Context, operation: string): void {
  if (ctx.address.params.has('versionId'))
    throw notImplemented(`${operation} of a version (versionId)`, resourceOf(ctx));
  if (ctx.address.params.has('partNumber'))
    throw notImplemented(`${operation} of one part (partNumber)`, resourceOf(ctx));
}

export const putObject: S3Handler = async (ctx) => {
  refuseChunkedPayload(ctx.auth.payloadHash);
  const limit = Math.min(MAX_PUT_BYTES, ctx.maxObjectBytes);
  const length = declaredLength(ctx.req.headers, limit);
  const written = await ctx.objects.write(
    ctx.bucket,
    ctx.key,
    ctx.req,
    headerOf(ctx, 'content-type') ?? 'binary/octet-stream',
    limit,
  );
  const crc32 =
    headerOf(ctx, 'x-amz-checksum-crc32') ?? ctx.address.params.get('x-amz-checksum-crc32');
  const err = payloadError(written.received, {
    length,
    payloadHash: ctx.auth.payloadHash,
    crc32,
  });
  if (err) {
    await ctx.objects.discard(written);
    throw err;
  }
  await ctx.objects.commit(written);
  ctx.res.setHeader('etag', written.object.etag);
  if (crc32 !== undefined) ctx.res.setHeader('x-amz-checksum-crc32', written.received.crc32);
  ctx.res.end();
};

function objectHeaders(res: ServerResponse, o: StoredObject) {
  res.setHeader('etag', o.etag);
  res.setHeader('last-modified', o.lastModified);
  res.setHeader('content-type', o.contentType);
  res.setHeader('accept-ranges', 'bytes');
}

const unsatisfiable = () =>
  new S3Error(416, 'InvalidRange', 'the requested range is not satisfiable');

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive range; undefined when absent. */
export function parseRange(value: string | undefined, size: number) {
  if (!value) return undefined;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) throw unsatisfiable();
  return { start, end };
}

/** GetObject and HeadObject (with a Range, if any). */
export const getObject: S3Handler = async (ctx) => {
  const method = ctx.req.method;
  refuseVersionsAndParts(ctx, method === 'HEAD' ? 'HeadObject' : 'GetObject');
  const opened = await ctx.objects.open(ctx.bucket, ctx.key);
  if (!opened)
    throw new S3Error(404, 'NoSuchKey', 'the specified key does not exist', resourceOf(ctx));
  const { object: o, file } = opened;
  try {
    const range = parseRange(headerOf(ctx, 'range'), o.size);
    const res = ctx.res;
    objectHeaders(res, o);
    if (range) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${range.start}-${range.end}/${o.size}`);
      res.setHeader('content-length', range.end - range.start + 1);
    } else res.setHeader('content-length', o.size);
    if (method === 'HEAD' || o.size === 0) return void res.end();
    await pipeline(file.createReadStream({ ...range, autoClose: false }), res);
  } finally {
    await file.close();
  }
};

export const deleteObject: S3Handler = async (ctx) => {
  refuseVersionsAndParts(ctx, 'DeleteObject');
  await ctx.objects.delete(ctx.bucket, ctx.key);
  ctx.res.statusCode = 204;
  ctx.res.end();
};
