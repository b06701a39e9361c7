import {
  MAX_PART_NUMBER,
  parseCompleteMultipartUpload,
  type RequestedPart,
} from './complete-multipart-xml';
import { multipartEtag, type MultipartUpload, type StoredPart } from './multipart-store';
import { MAX_PUT_BYTES } from './object-handlers';
import {
  checkSmallPayload,
  declaredLength,
  payloadError,
  refuseChunkedPayload,
} from './payload-checks';
import { readSmallBody, tooLarge } from './receive-body';
import { el, headerOf, resourceOf, sendXml, type S3Context, type S3Handler } from './s3-context';
import { S3Error, invalidArgument } from './s3-error';
import { uriEncode } from './sigv4';

/** S3's smallest part but the last: 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 ** 2;
/** Enough for 10 000 parts with their checksums. */
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 ** 2;

function upload(ctx: S3Context): Promise<MultipartUpload> {
  return ctx.uploads.get(ctx.address.params.get('uploadId') ?? '', ctx.bucket, ctx.key);
}

export const createMultipartUpload: S3Handler = async (ctx) => {
  const u = await ctx.uploads.create(
    ctx.bucket,
    ctx.key,
    headerOf(ctx, 'content-type') ?? 'binary/octet-stream',
  );
  sendXml(
    ctx.res,
    'InitiateMultipartUploadResult',
    el('Bucket', u.bucket) + el('Key', u.key) + el('UploadId', u.uploadId),
  );
};

function partNumberOf(ctx: S3Context): number {
  const raw = ctx.address.params.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || n < 1 || n > MAX_PART_NUMBER)
    throw invalidArgument(
      `part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      resourceOf(ctx),
    );
  return n;
}

export const uploadPart: S3Handler = async (ctx) => {
  const partNumber = partNumberOf(ctx);
  refuseChunkedPayload(ctx.auth.payloadHash);
  const u = await upload(ctx);
  const limit = Math.min(MAX_PUT_BYTES, ctx.maxObjectBytes);
  const length = declaredLength(ctx.req.headers, limit);
  const crc32 = headerOf(ctx, 'x-amz-checksum-crc32');
  let refused: S3Error | undefined;
  const part = await ctx.uploads.receivePart(u, partNumber, ctx.req, limit, (received) => {
    refused = payloadError(received, { length, payloadHash: ctx.auth.payloadHash, crc32 });
    return refused === undefined;
  });
  if (!part) throw refused!;
  ctx.res.setHeader('etag', part.etag);
  ctx.res.end();
};

/** The stored parts a Complete names, checked as S3 checks them; the error, or the parts. */
function chosenParts(
  ctx: S3Context,
  requested: readonly RequestedPart[],
  stored: readonly StoredPart[],
): StoredPart[] {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const chosen: StoredPart[] = [];
  for (const [i, r] of requested.entries()) {
    if (i > 0 && r.partNumber <= requested[i - 1]!.partNumber)
      throw new S3Error(
        400,
        'InvalidPartOrder',
        'the list of parts was not in ascending order: parts must be ordered by part number',
        resourceOf(ctx),
      );
    const p = byNumber.get(r.partNumber);
    if (!p || p.etag.replaceAll('"', '') !== r.etag)
      throw new S3Error(
        400,
        'InvalidPart',
        `part ${r.partNumber} could not be found, or its ETag did not match the part's entity tag`,
        resourceOf(ctx),
      );
    chosen.push(p);
  }
  const small = chosen.slice(0, -1).find((p) => p.size < MIN_PART_BYTES);
  if (small)
    throw new S3Error(
      400,
      'EntityTooSmall',
      `part ${small.partNumber} has ${small.size} bytes: every part but the last needs at least ${MIN_PART_BYTES}`,
      resourceOf(ctx),
    );
  const total = chosen.reduce((n, p) => n + p.size, 0);
  if (total > ctx.maxObjectBytes) throw tooLarge(ctx.maxObjectBytes);
  return chosen;
}

export const completeMultipartUpload: S3Handler = async (ctx) => {
  const u = await upload(ctx);
  const body = await readSmallBody(ctx.req, MAX_COMPLETE_BODY_BYTES);
  checkSmallPayload(body, ctx.auth.payloadHash);
  const requested = parseCompleteMultipartUpload(body);
  let etag = '';
  const done = await ctx.uploads.exclusively(u.uploadId, async () => {
    const parts = chosenParts(ctx, requested, await ctx.uploads.parts(u));
    const written = await ctx.objects.write(
      u.bucket,
      u.key,
      ctx.uploads.concatenation(u, parts),
      u.contentType,
      ctx.maxObjectBytes,
    );
    written.object.etag = etag = multipartEtag(parts);
    await ctx.objects.commit(written);
    await ctx.uploads.remove(u);
  });
  if (!done) throw operationAborted(ctx);
  const host = headerOf(ctx, 'host') ?? 'localhost';
  sendXml(
    ctx.res,
    'CompleteMultipartUploadResult',
    el('Location', `http://${host}/${u.bucket}/${uriEncode(u.key).replaceAll('%2F', '/')}`) +
      el('Bucket', u.bucket) +
      el('Key', u.key) +
      el('ETag', etag),
  );
};

const operationAborted = (ctx: S3Context) =>
  new S3Error(
    409,
    'OperationAborted',
    'a conflicting operation is currently in progress against this upload; try again',
    resourceOf(ctx),
  );

export const abortMultipartUpload: S3Handler = async (ctx) => {
  const u = await upload(ctx);
  if (!(await ctx.uploads.exclusively(u.uploadId, () => ctx.uploads.remove(u))))
    throw operationAborted(ctx);
  ctx.res.statusCode = 204;
  ctx.res.end();
};

function boundedInt(ctx: S3Context, name: string, fallback: number, max: number): number {
  const raw = ctx.address.params.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || n > max)
    throw invalidArgument(`${name} must be an integer between 0 and ${max}`, resourceOf(ctx));
  return n;
}

/** ListParts: the parts received so far, 1000 at most per page. */
export const listParts: S3Handler = async (ctx) => {
  const u = await upload(ctx);
  const max = boundedInt(ctx, 'max-parts', 1000, 1000);
  const marker = boundedInt(ctx, 'part-number-marker', 0, MAX_PART_NUMBER);
  const after = (await ctx.uploads.parts(u)).filter((p) => p.partNumber > marker);
  const page = after.slice(0, max);
  const truncated = after.length > page.length;
  const parts = page
    .map(
      (p) =>
        `<Part>${el('PartNumber', p.partNumber)}${el('LastModified', p.lastModified)}` +
        `${el('ETag', p.etag)}${el('Size', p.size)}</Part>`,
    )
    .join('');
  sendXml(
    ctx.res,
    'ListPartsResult',
    el('Bucket', u.bucket) +
      el('Key', u.key) +
      el('UploadId', u.uploadId) +
      el('PartNumberMarker', marker) +
      (truncated ? el('NextPartNumberMarker', page.at(-1)!.partNumber) : '') +
      el('MaxParts', max) +
      el('IsTruncated', truncated) +
      el('StorageClass', 'STANDARD') +
      parts,
  );
};
