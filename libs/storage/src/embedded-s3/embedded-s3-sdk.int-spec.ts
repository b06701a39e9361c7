import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { ObjectStorage } from '../object-storage';
import { EmbeddedS3Server } from './embedded-s3-server';

/*
 * The embedded server through the real AWS SDK v3: what the SDK sends for listing (v1 and
 * v2), the S3 errors it must recognise by name, and multipart uploads the way the shop runs
 * them (presigned part PUTs, then CompleteMultipartUpload), with S3's rules on parts.
 */
const credentials = { accessKeyId: 'sdk-test-key', secretAccessKey: 'sdk-test-secret' };
const BUCKET = 'sdk-test';
const MiB = 1024 ** 2;

/** The error an SDK call failed with (name = S3's Code, and the HTTP status). */
async function s3Error(
  p: Promise<unknown>,
): Promise<{ name: string; status: number; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof S3ServiceException, `an S3 error, not ${String(err)}`);
    return { name: err.name, status: err.$metadata.httpStatusCode ?? 0, message: err.message };
  }
  assert.fail('the call succeeded');
}

describe('embedded S3 server through the AWS SDK: listing, errors, multipart', () => {
  let dir: string;
  let server: EmbeddedS3Server;
  let s3: S3Client;
  let storage: ObjectStorage;
  const client = (extra: Partial<S3ClientConfig> = {}) =>
    new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      ...extra,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-s3-sdk-'));
    server = await EmbeddedS3Server.start({ dir, credentials, maxObjectBytes: 16 * MiB });
    s3 = client();
    storage = new ObjectStorage({
      S3_ENDPOINT: server.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: BUCKET,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    });
    await storage.ensureBucket();
    for (const key of ['list/a/1', 'list/a/2', 'list/b/1', 'list/c', 'list/d/e/f'])
      await storage.put(key, Buffer.from(key));
  });

  after(async () => {
    s3?.destroy();
    storage?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers ListObjects (v1, what s3cmd ls sends) with keys, common prefixes and marker paging', async () => {
    const all = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'list/' }));
    assert.deepEqual(
      all.Contents?.map((c) => [c.Key, c.Size]),
      [
        ['list/a/1', 8],
        ['list/a/2', 8],
        ['list/b/1', 8],
        ['list/c', 6],
        ['list/d/e/f', 10],
      ],
    );
    assert.equal(all.IsTruncated, false);
    const first = await s3.send(
      new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }),
    );
    assert.deepEqual(
      first.CommonPrefixes?.map((p) => p.Prefix),
      ['list/a/', 'list/b/'],
    );
    assert.equal(first.Contents, undefined);
    assert.deepEqual([first.IsTruncated, first.NextMarker], [true, 'list/b/']);
    const second = await s3.send(
      new ListObjectsCommand({
        Bucket: BUCKET,
        Prefix: 'list/',
        Delimiter: '/',
        Marker: first.NextMarker,
      }),
    );
    assert.deepEqual(
      second.Contents?.map((c) => c.Key),
      ['list/c'],
    );
    assert.deepEqual(
      second.CommonPrefixes?.map((p) => p.Prefix),
      ['list/d/'],
    );
    assert.equal(second.IsTruncated, false);
  });

  it('pages ListObjectsV2 with continuation tokens and a delimiter', async () => {
    const seen: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'list/',
          Delimiter: '/',
          MaxKeys: 1,
          ContinuationToken,
        }),
      );
      assert.equal(page.KeyCount, 1);
      seen.push(
        ...(page.Contents ?? []).map((c) => c.Key!),
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
      );
      ContinuationToken = page.NextContinuationToken;
      // A token that leads back to listed entries would page forever: four entries, four pages.
    } while (ContinuationToken && seen.length < 10);
    assert.deepEqual(seen, ['list/a/', 'list/b/', 'list/c', 'list/d/']);
  });

  it('gives S3 errors the SDK recognises by name: NotImplemented (501), NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, InvalidAccessKeyId', async () => {
    const acl = await s3Error(s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'list/c' })));
    assert.deepEqual([acl.name, acl.status], ['NotImplemented', 501]);
    assert.match(acl.message, /GetObjectAcl is not implemented/);
    const copy = await s3Error(
      s3.send(
        new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy', CopySource: `${BUCKET}/list/c` }),
      ),
    );
    assert.deepEqual([copy.name, copy.status], ['NotImplemented', 501]);
    assert.match(copy.message, /CopyObject/);
    const missing = await s3Error(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'list/none' })),
    );
    assert.deepEqual([missing.name, missing.status], ['NoSuchKey', 404]);
    const noBucket = await s3Error(s3.send(new ListObjectsCommand({ Bucket: 'no-such-bucket' })));
    assert.deepEqual([noBucket.name, noBucket.status], ['NoSuchBucket', 404]);
    const wrongSecret = client({
      credentials: { ...credentials, secretAccessKey: 'not-the-secret' },
    });
    const forged = await s3Error(wrongSecret.send(new ListObjectsCommand({ Bucket: BUCKET })));
    wrongSecret.destroy();
    assert.deepEqual([forged.name, forged.status], ['SignatureDoesNotMatch', 403]);
    const stranger = client({ credentials: { ...credentials, accessKeyId: 'someone-else' } });
    const unknown = await s3Error(stranger.send(new ListObjectsCommand({ Bucket: BUCKET })));
    stranger.destroy();
    assert.deepEqual([unknown.name, unknown.status], ['InvalidAccessKeyId', 403]);
  });

  it('answers an unsupported operation with the NotImplemented document S3 sends', async () => {
    const url = await getSignedUrl(s3, new GetObjectAclCommand({ Bucket: BUCKET, Key: 'list/c' }), {
      expiresIn: 60,
    });
    const res = await fetch(url);
    assert.equal(res.status, 501);
    assert.equal(res.headers.get('content-type'), 'application/xml');
    assert.match(
      await res.text(),
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>NotImplemented<\/Code><Message>GetObjectAcl is not implemented[^<]*<\/Message><Resource>\/sdk-test\/list\/c<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/,
    );
  });

  /** Parts PUT through presigned URLs, as a shop customer does; their ETags. */
  async function putParts(key: string, uploadId: string, parts: Buffer[]) {
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const put = await storage.presignUploadPart(key, uploadId, {
        partNumber: i + 1,
        contentLength: body.length,
        expiresInSeconds: 60,
      });
      const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body });
      assert.equal(res.status, 200, await res.text());
      etags.push(res.headers.get('etag')!);
    }
    return etags;
  }

  it('assembles a multipart upload from presigned part PUTs, with S3’s multipart ETag', async () => {
    const key = 'multipart/model.stl';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(123_457)];
    const uploadId = await storage.createMultipartUpload(key, 'model/stl');
    const etags = await putParts(key, uploadId, parts);
    for (const [i, etag] of etags.entries())
      assert.equal(etag, `"${createHash('md5').update(parts[i]!).digest('hex')}"`);
    const listed = await s3.send(
      new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }),
    );
    assert.deepEqual(
      listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]),
      [
        [1, 5 * MiB, etags[0]],
        [2, 5 * MiB, etags[1]],
        [3, 123_457, etags[2]],
      ],
    );
    assert.equal(
      await storage.completeMultipartUpload(
        key,
        uploadId,
        etags.map((etag, i) => ({ partNumber: i + 1, etag })),
      ),
      undefined,
    );

    const whole = Buffer.concat(parts);
    const digest = await storage.digest(key);
    assert.equal(digest?.sizeBytes, whole.length);
    assert.equal(digest?.sha256, createHash('sha256').update(whole).digest('hex'));
    const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
    const info = await storage.head(key);
    assert.equal(info?.etag, `"${createHash('md5').update(md5s).digest('hex')}-3"`);
    assert.equal(info?.contentType, 'model/stl');
    const again = await storage.completeMultipartUpload(key, uploadId, [
      { partNumber: 1, etag: etags[0]! },
    ]);
    assert.equal(again?.code, 'NoSuchUpload');
  });

  it('refuses a Complete that S3 would refuse: wrong order, unknown part or ETag, a small part but the last', async () => {
    const key = 'multipart/refused.stl';
    const uploadId = await storage.createMultipartUpload(key);
    const [e1, e2, e3] = await putParts(key, uploadId, [
      randomBytes(5 * MiB),
      randomBytes(1000),
      randomBytes(10),
    ]);
    const cases: Array<[Array<[number, string]>, string]> = [
      [
        [
          [2, e2!],
          [1, e1!],
        ],
        'InvalidPartOrder',
      ],
      [
        [
          [1, e1!],
          [4, e2!],
        ],
        'InvalidPart',
      ],
      [[[1, e2!]], 'InvalidPart'],
      [
        [
          [1, e1!],
          [2, e2!],
          [3, e3!],
        ],
        'EntityTooSmall',
      ],
    ];
    for (const [parts, code] of cases) {
      const err = await s3Error(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map(([PartNumber, ETag]) => ({ PartNumber, ETag })) },
          }),
        ),
      );
      assert.deepEqual([err.name, err.status], [code, 400], JSON.stringify(parts));
    }
    assert.equal(await storage.head(key), undefined, 'nothing was assembled');
    // Parts 1 and 2 (the small one last) are a valid object.
    await storage.completeMultipartUpload(key, uploadId, [
      { partNumber: 1, etag: e1! },
      { partNumber: 2, etag: e2! },
    ]);
    assert.equal((await storage.head(key))?.sizeBytes, 5 * MiB + 1000);
  });

  it('aborts an upload (its part URLs then answer NoSuchUpload) and refuses part numbers outside 1..10000', async () => {
    const key = 'multipart/aborted.stl';
    const uploadId = await storage.createMultipartUpload(key);
    const late = await storage.presignUploadPart(key, uploadId, {
      partNumber: 1,
      contentLength: 10,
      expiresInSeconds: 60,
    });
    await storage.abortMultipartUpload(key, uploadId);
    await storage.abortMultipartUpload(key, uploadId); // already gone: fine
    const res = await fetch(late.url, {
      method: 'PUT',
      headers: late.headers,
      body: randomBytes(10),
    });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /<Code>NoSuchUpload<\/Code>/);

    const open = await storage.createMultipartUpload(key);
    for (const partNumber of [0, 10001]) {
      const put = await storage.presignUploadPart(key, open, {
        partNumber,
        contentLength: 1,
        expiresInSeconds: 60,
      });
      const r = await fetch(put.url, { method: 'PUT', headers: put.headers, body: 'x' });
      assert.equal(r.status, 400, String(partNumber));
      assert.match(
        await r.text(),
        /<Code>InvalidArgument<\/Code><Message>part number must be an integer between 1 and 10000/,
      );
    }
  });

  it('refuses a part larger than the object limit before reading it, and malformed Complete XML', async () => {
    const key = 'multipart/limits.stl';
    const uploadId = await storage.createMultipartUpload(key);
    const huge = await storage.presignUploadPart(key, uploadId, {
      partNumber: 1,
      contentLength: 16 * MiB + 1,
      expiresInSeconds: 60,
    });
    const res = await fetch(huge.url, {
      method: 'PUT',
      headers: huge.headers,
      body: Buffer.alloc(16 * MiB + 1),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>EntityTooLarge<\/Code>/);

    const signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 's3',
      sha256: s3.config.sha256,
      uriEscapePath: false,
    });
    const url = new URL(server.endpoint);
    for (const body of [
      'not xml',
      '<CompleteMultipartUpload></CompleteMultipartUpload>',
      '<!DOCTYPE x [<!ENTITY a "b">]><CompleteMultipartUpload/>',
    ]) {
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: `/${BUCKET}/multipart/limits.stl`,
        query: { uploadId },
        headers: { host: url.host, 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      const r = await fetch(`${server.endpoint}${signed.path}?uploadId=${uploadId}`, {
        method: 'POST',
        headers: signed.headers,
        body,
      });
      assert.equal(r.status, 400, body);
      assert.match(await r.text(), /<Code>MalformedXML<\/Code>/, body);
    }
  });
});
