import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { EmbeddedS3Server } from './embedded-s3/embedded-s3-server';
import { ObjectStorage, type ObjectStorageConfig } from './object-storage';

/*
 * The AWS SDK (the same client the shop and the worker use against MinIO or AWS) against the
 * embedded server: presigned uploads with their size and expiry enforced, streaming digests,
 * and S3's errors as the SDK understands them.
 */
const credentials = { accessKeyId: 'test-key', secretAccessKey: 'test-secret-key' };

describe('object storage through the AWS SDK against the embedded S3 server', () => {
  let dir: string;
  let server: EmbeddedS3Server;
  let storage: ObjectStorage;
  let config: ObjectStorageConfig;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-s3-'));
    server = await EmbeddedS3Server.start({ dir, credentials, maxObjectBytes: 1024 * 1024 });
    config = {
      S3_ENDPOINT: server.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: 'models-test',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    };
    storage = new ObjectStorage(config);
    await storage.ensureBucket();
    await storage.ensureBucket(); // a second instance starting: no error
  });

  after(async () => {
    storage?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a presigned PUT of exactly the signed size, and streams it back with its digest', async () => {
    const body = randomBytes(70_000);
    const key = 'models/üñï code/part one.stl';
    const put = await storage.presignPut(key, { contentLength: body.length, expiresInSeconds: 60 });
    const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body });
    assert.equal(res.status, 200, await res.text());
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);

    assert.deepEqual((await storage.head(key))?.sizeBytes, body.length);
    const digest = await storage.digest(key, 84);
    assert.equal(digest?.sizeBytes, body.length);
    assert.equal(
      digest?.sha256,
      (await import('node:crypto')).createHash('sha256').update(body).digest('hex'),
    );
    assert.deepEqual(digest?.head, body.subarray(0, 84));
    assert.deepEqual(await storage.read(key, body.length), body);
    await assert.rejects(storage.read(key, 1000), /larger than 1000 bytes/);
  });

  it('refuses a presigned PUT of another size, with a forged signature, or after expiry', async () => {
    const put = await storage.presignPut('models/sized.stl', {
      contentLength: 100,
      expiresInSeconds: 60,
    });
    const bigger = await fetch(put.url, {
      method: 'PUT',
      headers: { 'content-length': '101' },
      body: randomBytes(101),
    });
    assert.equal(bigger.status, 403);
    assert.match(await bigger.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    const forged = put.url.replace(/X-Amz-Signature=[0-9a-f]{8}/, 'X-Amz-Signature=00000000');
    const f = await fetch(forged, { method: 'PUT', headers: put.headers, body: randomBytes(100) });
    assert.equal(f.status, 403);

    const otherKey = put.url.replace('sized.stl', 'other.stl');
    const o = await fetch(otherKey, {
      method: 'PUT',
      headers: put.headers,
      body: randomBytes(100),
    });
    assert.equal(o.status, 403);

    const shortLived = await storage.presignPut('models/late.stl', {
      contentLength: 10,
      expiresInSeconds: 1,
    });
    await new Promise((r) => setTimeout(r, 2100));
    const late = await fetch(shortLived.url, {
      method: 'PUT',
      headers: shortLived.headers,
      body: randomBytes(10),
    });
    assert.equal(late.status, 403);
    assert.match(await late.text(), /Request has expired/);

    for (const key of ['models/sized.stl', 'models/other.stl', 'models/late.stl'])
      assert.equal(await storage.head(key), undefined, `${key} was not stored`);
  });

  it('refuses unsigned requests and objects over the server limit', async () => {
    const anonymous = await fetch(`${server.endpoint}/models-test/models/x.stl`, {
      method: 'PUT',
      body: 'x',
    });
    assert.equal(anonymous.status, 403);
    const put = await storage.presignPut('models/huge.stl', {
      contentLength: 2 * 1024 * 1024,
      expiresInSeconds: 60,
    });
    const huge = await fetch(put.url, {
      method: 'PUT',
      headers: put.headers,
      body: randomBytes(2 * 1024 * 1024),
    });
    assert.equal(huge.status, 400);
    assert.match(await huge.text(), /EntityTooLarge/);
  });

  it('puts with header signatures, lists by prefix, answers a missing key as absent, deletes', async () => {
    await storage.put('listed/a.3mf', Buffer.from('a'));
    await storage.put('listed/b.3mf', Buffer.from('bb'));
    await storage.put('elsewhere/c.3mf', Buffer.from('ccc'));
    const sdk = new S3Client({
      endpoint: config.S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    });
    const listed = await sdk.send(
      new ListObjectsV2Command({ Bucket: config.S3_BUCKET, Prefix: 'listed/' }),
    );
    sdk.destroy();
    assert.deepEqual(
      listed.Contents?.map((c) => [c.Key, c.Size]),
      [
        ['listed/a.3mf', 1],
        ['listed/b.3mf', 2],
      ],
    );
    assert.equal(await storage.head('listed/none'), undefined);
    assert.equal(await storage.stream('listed/none'), undefined);
    await storage.delete('listed/a.3mf');
    assert.equal(await storage.head('listed/a.3mf'), undefined);
  });

  it('lets a browser preflight an upload (CORS)', async () => {
    const res = await fetch(`${server.endpoint}/models-test/models/x.stl`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'PUT' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /PUT/);
  });
});
