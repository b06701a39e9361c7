import type { IncomingHttpHeaders } from 'node:http';

export type S3Target = 'service' | 'bucket' | 'object';

type Table = Partial<Record<string, Array<[subresource: string, operation: string]>>>;

// Bucket configurations S3 reads with GET, writes with PUT and (some) removes with DELETE:
// `?cors` is GetBucketCors / PutBucketCors / DeleteBucketCors, and so on.
const BUCKET_CONFIG: Array<[string, string, boolean]> = [
  ['accelerate', 'BucketAccelerateConfiguration', false],
  ['acl', 'BucketAcl', false],
  ['analytics', 'BucketAnalyticsConfiguration', true],
  ['cors', 'BucketCors', true],
  ['encryption', 'BucketEncryption', true],
  ['intelligent-tiering', 'BucketIntelligentTieringConfiguration', true],
  ['inventory', 'BucketInventoryConfiguration', true],
  ['lifecycle', 'BucketLifecycleConfiguration', true],
  ['logging', 'BucketLogging', false],
  ['metadataTable', 'BucketMetadataTableConfiguration', true],
  ['metrics', 'BucketMetricsConfiguration', true],
  ['notification', 'BucketNotificationConfiguration', false],
  ['object-lock', 'ObjectLockConfiguration', false],
  ['ownershipControls', 'BucketOwnershipControls', true],
  ['policy', 'BucketPolicy', true],
  ['policyStatus', 'BucketPolicyStatus', false],
  ['publicAccessBlock', 'PublicAccessBlock', true],
  ['replication', 'BucketReplication', true],
  ['requestPayment', 'BucketRequestPayment', false],
  ['tagging', 'BucketTagging', true],
  ['versioning', 'BucketVersioning', false],
  ['website', 'BucketWebsite', true],
];
const OBJECT_CONFIG: Array<[string, string, boolean]> = [
  ['acl', 'ObjectAcl', false],
  ['legal-hold', 'ObjectLegalHold', false],
  ['retention', 'ObjectRetention', false],
  ['tagging', 'ObjectTagging', true],
];

const verbs = (config: Array<[string, string, boolean]>, verb: 'Get' | 'Put' | 'Delete') =>
  config
    .filter(([, , deletable]) => verb !== 'Delete' || deletable)
    .map(([sub, name]): [string, string] => [sub, `${verb}${name}`]);

/** Sub-resources that select an operation, per target and method, before the default one. */
const SUBRESOURCES: Record<S3Target, Table> = {
  service: {},
  bucket: {
    GET: [
      ['location', 'GetBucketLocation'],
      ['uploads', 'ListMultipartUploads'],
      ['versions', 'ListObjectVersions'],
      ['session', 'CreateSession'],
      ...verbs(BUCKET_CONFIG, 'Get'),
    ],
    PUT: verbs(BUCKET_CONFIG, 'Put'),
    DELETE: verbs(BUCKET_CONFIG, 'Delete'),
    POST: [
      ['delete', 'DeleteObjects'],
      ['metadataTable', 'CreateBucketMetadataTableConfiguration'],
    ],
  },
  object: {
    GET: [
      ['uploadId', 'ListParts'],
      ['attributes', 'GetObjectAttributes'],
      ['torrent', 'GetObjectTorrent'],
      ...verbs(OBJECT_CONFIG, 'Get'),
    ],
    PUT: [
      ['uploadId', 'UploadPart'],
      ['renameObject', 'RenameObject'],
      ...verbs(OBJECT_CONFIG, 'Put'),
    ],
    DELETE: [['uploadId', 'AbortMultipartUpload'], ...verbs(OBJECT_CONFIG, 'Delete')],
    POST: [
      ['uploads', 'CreateMultipartUpload'],
      ['uploadId', 'CompleteMultipartUpload'],
      ['restore', 'RestoreObject'],
      ['select', 'SelectObjectContent'],
    ],
  },
};

/** The operation without a sub-resource; undefined where S3 has none (405). */
const DEFAULTS: Record<S3Target, Partial<Record<string, string>>> = {
  service: { GET: 'ListBuckets' },
  bucket: {
    GET: 'ListObjects',
    HEAD: 'HeadBucket',
    PUT: 'CreateBucket',
    DELETE: 'DeleteBucket',
    // A browser form upload (multipart/form-data POST to the bucket).
    POST: 'PostObject',
  },
  object: { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' },
};

/**
 * The S3 operation a request asks for, named as in the S3 API reference (so a 501 can say
 * which one is missing), or undefined when the method means nothing to S3 there.
 */
export function operationOf(
  method: string,
  target: S3Target,
  params: ReadonlyMap<string, string>,
  headers: IncomingHttpHeaders,
): string | undefined {
  const sub = SUBRESOURCES[target][method]?.find(([name]) => params.has(name));
  if (sub) {
    if (sub[1] === 'UploadPart' && headers['x-amz-copy-source'] !== undefined)
      return 'UploadPartCopy';
    return sub[1];
  }
  if (target === 'bucket' && method === 'GET' && params.has('list-type'))
    return params.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  if (target === 'object' && method === 'PUT' && headers['x-amz-copy-source'] !== undefined)
    return 'CopyObject';
  return DEFAULTS[target][method];
}
