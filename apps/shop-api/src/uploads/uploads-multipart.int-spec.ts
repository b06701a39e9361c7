import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import type { ModelFileView, MultipartUploadTicket, Problem } from '@fabflow/contracts';
import { EmbeddedS3Server, ObjectStorage } from '@fabflow/storage';
import { IsolatedService, sendUpload, type HttpClient } from '@fabflow/testing';

type Ticket = z.infer<typeof MultipartUploadTicket>;
type FileView = z.infer<typeof ModelFileView>;

const MiB = 1024 ** 2;
const credentials = { accessKeyId: 'multipart-test-key', secretAccessKey: 'multipart-test-secret' };
const MAX_BYTES = 40 * MiB;
const THRESHOLD = 6 * MiB;
const PART = 5 * MiB;
const bucket = 'uploads-multipart-test';

/** A binary STL of `triangles` random triangles: 84 + 50·n bytes, as the format sniff wants. */
function bigBinaryStl(triangles: number): Buffer {
  const file = randomBytes(84 + 50 * triangles);
  file.fill(0, 0, 80).write('large binary stl from a test', 0, 'latin1');
  file.writeUInt32LE(triangles, 80);
  return file;
}

/*
 * Large model files through the shop's HTTP API and a real S3-compatible server: above the
 * threshold the shop answers a multipart plan (an upload id in S3, one presigned PUT per part),
 * the client PUTs the parts and completes with their ETags, and the shop has S3 assemble them,
 * then checks size, SHA-256 and format as for one PUT.
 */
describe('shop uploads above the multipart threshold: presigned part PUTs, then complete (real shop and S3)', () => {
  let dir: string;
  let s3: EmbeddedS3Server;
  let shop: IsolatedService;
  let alice: HttpClient;
  let objects: ObjectStorage;

  const announce = async (sizeBytes: number, filename = 'large.stl') => {
    const res = await alice.post<Ticket>('/uploads', { filename, sizeBytes });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const complete = (fileId: string, body?: object) =>
    alice.post<FileView & Pick<Problem, 'detail'>>(`/uploads/${fileId}/complete`, body);
  const status = async (fileId: string) =>
    (await alice.get<FileView>(`/uploads/${fileId}`)).body.status;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-uploads-multipart-'));
    s3 = await EmbeddedS3Server.start({ dir, credentials, maxObjectBytes: 64 * MiB });
    shop = await IsolatedService.start('shop-api', 'shopmultipart', {
      S3_ENDPOINT: s3.endpoint,
      S3_PUBLIC_ENDPOINT: `http://localhost:${s3.port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
      UPLOAD_MULTIPART_THRESHOLD_BYTES: String(THRESHOLD),
      UPLOAD_PART_BYTES: String(PART),
      UPLOAD_MULTIPART_URL_TTL_SECONDS: '600',
    });
    const anon = shop.client();
    const email = `mp-${randomBytes(4).toString('hex')}@example.com`;
    assert.equal(
      (await anon.post('/auth/register', { email, password: 'a-long-password', name: 'M' })).status,
      201,
    );
    const login = await anon.post('/auth/login', { email, password: 'a-long-password' });
    alice = shop.client(login.body.accessToken as string);
    objects = new ObjectStorage({
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    });
  });

  after(async () => {
    objects?.close();
    await shop?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a multipart plan above the threshold and a single PUT up to it', async () => {
    const file = bigBinaryStl(250_000); // 12 500 084 bytes: 5 MiB + 5 MiB + the rest
    const ticket = await announce(file.length);
    assert.equal(ticket.kind, 'MULTIPART');
    assert.equal(ticket.partSizeBytes, PART);
    assert.equal(ticket.maxBytes, MAX_BYTES);
    assert.deepEqual(
      ticket.parts.map((p) => [p.partNumber, p.offset, p.sizeBytes, p.method, p.headers]),
      [
        [1, 0, PART, 'PUT', { 'content-length': String(PART) }],
        [2, PART, PART, 'PUT', { 'content-length': String(PART) }],
        [
          3,
          2 * PART,
          file.length - 2 * PART,
          'PUT',
          { 'content-length': String(file.length - 2 * PART) },
        ],
      ],
    );
    for (const p of ticket.parts) {
      const url = new URL(p.uploadUrl);
      assert.equal(url.host, `localhost:${s3.port}`, 'signed for the public endpoint');
      assert.equal(url.searchParams.get('partNumber'), String(p.partNumber));
      assert.ok(url.searchParams.get('uploadId'));
    }
    const expiresIn = Date.parse(ticket.expiresAt) - Date.now();
    assert.ok(expiresIn > 590_000 && expiresIn <= 600_000, `part URLs expire in ${expiresIn} ms`);
    const small = await alice.post<{ kind: string }>('/uploads', {
      filename: 's.stl',
      sizeBytes: THRESHOLD,
    });
    assert.equal(small.body.kind, 'SINGLE');
  });

  it('assembles the parts on completion and makes the file READY with the SHA-256, format and size of the whole', async () => {
    const file = bigBinaryStl(250_000);
    const ticket = await announce(file.length, 'bracket-large.stl');
    const noParts = await complete(ticket.fileId);
    assert.equal(noParts.status, 400);
    assert.match(noParts.body.detail, /sent in 3 parts: complete it with \{"parts".*parts 1 to 3/);
    const tooEarly = await complete(ticket.fileId, {
      parts: [1, 2, 3].map((partNumber) => ({
        partNumber,
        etag: '"0123456789abcdef0123456789abcdef"',
      })),
    });
    assert.equal(tooEarly.status, 409);
    assert.match(
      tooEarly.body.detail,
      /a part is missing or its ETag is not the one its PUT answered/,
    );

    const { parts } = await sendUpload(ticket, file);
    assert.equal(parts?.length, 3);
    for (const wrong of [parts.slice(0, 2), [parts[0]!, parts[2]!, parts[1]!]]) {
      const res = await complete(ticket.fileId, { parts: wrong });
      assert.equal(res.status, 400, JSON.stringify(wrong));
      assert.match(res.body.detail, /has parts 1 to 3, each once and in order/);
    }
    const otherEtag = await complete(ticket.fileId, {
      parts: [parts[0]!, { partNumber: 2, etag: parts[0]!.etag }, parts[2]!],
    });
    assert.equal(otherEtag.status, 409);
    assert.equal(await status(ticket.fileId), 'PENDING_UPLOAD');

    const done = await complete(ticket.fileId, { parts });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(
      [done.body.status, done.body.format, done.body.sizeBytes, done.body.sha256],
      ['READY', 'STL_BINARY', file.length, createHash('sha256').update(file).digest('hex')],
    );
    const again = await complete(ticket.fileId);
    assert.equal(again.status, 200, 'completing twice is fine');
    assert.equal(again.body.completedAt, done.body.completedAt);
    // Assembled by S3 from three parts: the multipart ETag, not the MD5 of the whole.
    const [row] = await shop.query<{ key: string }>('SELECT key FROM model_files WHERE id = $1', [
      ticket.fileId,
    ]);
    const object = await objects.head(row!.key);
    assert.match(object?.etag ?? '', /^"[0-9a-f]{32}-3"$/);
  });

  it('has S3 refuse a part of another size (its length is signed)', async () => {
    const ticket = await announce(THRESHOLD + 1);
    const part = ticket.parts[0]!;
    const res = await fetch(part.uploadUrl, {
      method: 'PUT',
      headers: { 'content-length': String(part.sizeBytes + 1) },
      body: randomBytes(part.sizeBytes + 1),
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /SignatureDoesNotMatch/);
  });

  it('checks the assembled file as any other: not a model is a 422 and the file stays unusable', async () => {
    const notAModel = Buffer.concat([Buffer.from('these are my notes\n'), randomBytes(7 * MiB)]);
    const ticket = await announce(notAModel.length, 'notes.stl');
    const body = await sendUpload(ticket, notAModel);
    const res = await complete(ticket.fileId, body);
    assert.equal(res.status, 422);
    assert.match(res.body.detail, /^notes\.stl: UNKNOWN_FORMAT: /);
    assert.equal(await status(ticket.fileId), 'PENDING_UPLOAD');
    assert.equal((await complete(ticket.fileId, body)).status, 422, 'the same answer again');
  });

  it('refuses parts for a single-PUT upload (400) and a size over the maximum (413, naming it), writing nothing', async () => {
    const single = await alice.post<{ fileId: string }>('/uploads', {
      filename: 'a.stl',
      sizeBytes: 684,
    });
    const res = await complete(single.body.fileId, { parts: [{ partNumber: 1, etag: 'x' }] });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /is one PUT; complete it without parts/);
    const before = (
      await shop.query<{ n: number }>('SELECT count(*)::int AS n FROM model_files')
    )[0]!.n;
    const big = await alice.post<Problem>('/uploads', {
      filename: 'huge.stl',
      sizeBytes: MAX_BYTES + 1,
    });
    assert.equal(big.status, 413);
    assert.match(
      big.body.detail,
      new RegExp(`the largest model file is ${MAX_BYTES} bytes \\(40 MiB\\)`),
    );
    const bad = await complete(single.body.fileId, { parts: [{ partNumber: 0, etag: 'x' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /parts\.0\.partNumber/);
    assert.equal(
      (await shop.query<{ n: number }>('SELECT count(*)::int AS n FROM model_files'))[0]!.n,
      before,
    );
  });
});
