import { listingPage, type ListingPage } from './listing';
import type { StoredObject } from './object-store';
import { el, sendXml, type S3Context, type S3Handler } from './s3-context';
import { S3Error, invalidArgument } from './s3-error';
import { uriEncode } from './sigv4';

const OWNER = '<Owner><ID>embedded-s3</ID><DisplayName>embedded-s3</DisplayName></Owner>';

export const listBuckets: S3Handler = async ({ res, objects }) => {
  const buckets = (await objects.buckets())
    .map(
      (b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', b.created.toISOString())}</Bucket>`,
    )
    .join('');
  sendXml(res, 'ListAllMyBucketsResult', `${OWNER}<Buckets>${buckets}</Buckets>`);
};

export const createBucket: S3Handler = async ({ res, objects, bucket }) => {
  if (!(await objects.createBucket(bucket)))
    throw new S3Error(
      409,
      'BucketAlreadyOwnedByYou',
      'your previous request to create the named bucket succeeded and you already own it',
      `/${bucket}`,
    );
  res.setHeader('location', `/${bucket}`);
  res.end();
};

export const headBucket: S3Handler = ({ res }) => {
  res.end();
  return Promise.resolve();
};

/** The region is not modelled: every bucket answers us-east-1 (an empty constraint). */
export const getBucketLocation: S3Handler = ({ res }) => {
  sendXml(res, 'LocationConstraint', '');
  return Promise.resolve();
};

interface ListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Keys and prefixes in the answer are URL-encoded (`encoding-type=url`). */
  encode: (s: string) => string;
  urlEncoded: boolean;
}

function listParams(params: ReadonlyMap<string, string>): ListParams {
  const raw = params.get('max-keys');
  const maxKeys = raw === undefined ? 1000 : Number(raw);
  if (raw !== undefined && (!/^\d{1,10}$/.test(raw) || !Number.isSafeInteger(maxKeys)))
    throw invalidArgument('provided max-keys not an integer or within integer range');
  const encoding = params.get('encoding-type');
  if (encoding !== undefined && encoding !== 'url')
    throw invalidArgument('invalid Encoding Method specified in Request');
  const urlEncoded = encoding === 'url';
  return {
    prefix: params.get('prefix') ?? '',
    delimiter: params.get('delimiter') ?? '',
    maxKeys: Math.min(1000, maxKeys),
    urlEncoded,
    encode: urlEncoded ? (s) => uriEncode(s).replaceAll('%2F', '/') : (s) => s,
  };
}

function entriesXml(page: ListingPage, p: ListParams): string {
  const contents = page.objects
    .map(
      (o: StoredObject) =>
        `<Contents>${el('Key', p.encode(o.key))}${el('LastModified', new Date(o.lastModified).toISOString())}` +
        `${el('ETag', o.etag)}${el('Size', o.size)}${el('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
  const prefixes = page.commonPrefixes
    .map((cp) => `<CommonPrefixes>${el('Prefix', p.encode(cp))}</CommonPrefixes>`)
    .join('');
  return contents + prefixes;
}

function commonXml(ctx: S3Context, p: ListParams): string {
  return (
    el('Name', ctx.bucket) +
    el('Prefix', p.encode(p.prefix)) +
    (p.delimiter ? el('Delimiter', p.encode(p.delimiter)) : '') +
    el('MaxKeys', p.maxKeys) +
    (p.urlEncoded ? el('EncodingType', 'url') : '')
  );
}

async function page(ctx: S3Context, p: ListParams, after: string): Promise<ListingPage> {
  const sorted = await ctx.objects.list(ctx.bucket, p.prefix);
  return listingPage(sorted, {
    prefix: p.prefix,
    delimiter: p.delimiter,
    after,
    maxKeys: p.maxKeys,
  });
}

/** ListObjects (version 1): pages by `marker`; what `s3cmd ls` and older SDKs send. */
export const listObjects: S3Handler = async (ctx) => {
  const params = ctx.address.params;
  const listType = params.get('list-type');
  if (listType !== undefined && listType !== '1')
    throw invalidArgument('list-type must be 2 (ListObjectsV2), 1 or absent (ListObjects)');
  const p = listParams(params);
  const marker = params.get('marker') ?? '';
  const result = await page(ctx, p, marker);
  sendXml(
    ctx.res,
    'ListBucketResult',
    commonXml(ctx, p) +
      el('Marker', p.encode(marker)) +
      (result.truncated && result.last !== undefined
        ? el('NextMarker', p.encode(result.last))
        : '') +
      el('IsTruncated', result.truncated) +
      entriesXml(result, p),
  );
};

/** ListObjectsV2: pages by an opaque continuation token (here the last entry, base64url). */
export const listObjectsV2: S3Handler = async (ctx) => {
  const params = ctx.address.params;
  const p = listParams(params);
  const token = params.get('continuation-token');
  let after = params.get('start-after') ?? '';
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token)
      throw invalidArgument('the continuation token provided is incorrect');
  }
  const result = await page(ctx, p, after);
  const next =
    result.truncated && result.last !== undefined
      ? Buffer.from(result.last, 'utf8').toString('base64url')
      : undefined;
  sendXml(
    ctx.res,
    'ListBucketResult',
    commonXml(ctx, p) +
      el('KeyCount', result.objects.length + result.commonPrefixes.length) +
      el('IsTruncated', result.truncated) +
      el('ContinuationToken', token) +
      el('NextContinuationToken', next) +
      (params.has('start-after') ? el('StartAfter', p.encode(params.get('start-after')!)) : '') +
      entriesXml(result, p),
  );
};
