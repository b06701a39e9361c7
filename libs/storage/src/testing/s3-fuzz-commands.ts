import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { FuzzWorld } from './s3-fuzz-values';
import type { SeededRandom } from './seeded-random';

export interface SdkCall {
  description: string;
  send: () => Promise<unknown>;
}

const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-_./';

/**
 * A random, well-formed S3 operation through the real AWS SDK: supported ones with odd
 * arguments and unsupported ones, so its answers can be checked the way the SDK reads them.
 */
export function sdkFuzzCall(rng: SeededRandom, s3: S3Client, world: FuzzWorld): SdkCall {
  const Bucket = rng.chance(0.9) ? world.bucket : 'no-such-bucket';
  const Key = rng.chance(0.6) ? rng.pick(world.keys) : `fuzz/${rng.text(rng.between(1, 30), SAFE)}`;
  const UploadId =
    world.uploadIds.length && rng.chance(0.7) ? rng.pick(world.uploadIds) : rng.text(32, SAFE);
  const PartNumber = rng.pick([1, 2, 3, 10000, 10001, 0]);
  const MaxKeys = rng.pick([undefined, 0, 1, 2, 1000]);
  const Prefix = rng.pick([undefined, '', 'fuzz/', 'k']);
  const Delimiter = rng.pick([undefined, '/', 'z']);
  const calls: Array<[string, () => Promise<unknown>]> = [
    [
      'ListObjects',
      () =>
        s3.send(
          new ListObjectsCommand({
            Bucket,
            MaxKeys,
            Prefix,
            Delimiter,
            Marker: rng.pick([undefined, 'fuzz/']),
          }),
        ),
    ],
    [
      'ListObjectsV2',
      () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket,
            MaxKeys,
            Prefix,
            Delimiter,
            ContinuationToken: rng.pick([undefined, 'Zm9v', '%%']),
          }),
        ),
    ],
    ['ListBuckets', () => s3.send(new ListBucketsCommand({}))],
    ['GetBucketLocation', () => s3.send(new GetBucketLocationCommand({ Bucket }))],
    ['GetBucketAcl', () => s3.send(new GetBucketAclCommand({ Bucket }))],
    ['GetBucketVersioning', () => s3.send(new GetBucketVersioningCommand({ Bucket }))],
    [
      'PutBucketTagging',
      () =>
        s3.send(
          new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }),
        ),
    ],
    ['GetObjectAcl', () => s3.send(new GetObjectAclCommand({ Bucket, Key }))],
    [
      'GetObject',
      () =>
        s3
          .send(
            new GetObjectCommand({
              Bucket,
              Key,
              Range: rng.pick([undefined, 'bytes=0-3', 'bytes=-2', 'bytes=9999999-']),
            }),
          )
          .then(async (o) => o.Body?.transformToByteArray()),
    ],
    ['HeadObject', () => s3.send(new HeadObjectCommand({ Bucket, Key }))],
    [
      'PutObject',
      () =>
        s3.send(
          new PutObjectCommand({
            Bucket,
            Key: `fuzz/${rng.text(8, SAFE)}`,
            Body: rng.bytes(rng.between(0, 3000)),
          }),
        ),
    ],
    [
      'DeleteObject',
      () => s3.send(new DeleteObjectCommand({ Bucket, Key: `fuzz/${rng.text(8, SAFE)}` })),
    ],
    [
      'DeleteObjects',
      () => s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key }] } })),
    ],
    [
      'CopyObject',
      () =>
        s3.send(
          new CopyObjectCommand({ Bucket, Key: 'fuzz/copy', CopySource: `${Bucket}/${Key}` }),
        ),
    ],
    ['ListMultipartUploads', () => s3.send(new ListMultipartUploadsCommand({ Bucket }))],
    [
      'UploadPart',
      () =>
        s3.send(
          new UploadPartCommand({
            Bucket,
            Key: 'fuzz/multipart',
            UploadId,
            PartNumber,
            Body: rng.bytes(rng.between(0, 2000)),
          }),
        ),
    ],
    [
      'ListParts',
      () =>
        s3.send(
          new ListPartsCommand({
            Bucket,
            Key: 'fuzz/multipart',
            UploadId,
            MaxParts: rng.pick([undefined, 1, 1000]),
          }),
        ),
    ],
    [
      'CompleteMultipartUpload',
      () =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket,
            Key: 'fuzz/multipart',
            UploadId,
            MultipartUpload: {
              Parts: [{ PartNumber, ETag: `"${rng.text(32, '0123456789abcdef')}"` }],
            },
          }),
        ),
    ],
    [
      'AbortMultipartUpload',
      () =>
        s3.send(
          new AbortMultipartUploadCommand({
            Bucket,
            Key: rng.pick(['fuzz/multipart', Key]),
            UploadId,
          }),
        ),
    ],
  ];
  const [name, send] = rng.pick(calls);
  return { description: `sdk ${name} ${Bucket}/${Key}`, send };
}
