import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import type { ModelFileView, Problem, SingleUploadTicket } from '@fabflow/contracts';
import { EmbeddedS3Server, ObjectStorage } from '@fabflow/storage';
import { asciiStlCube, binaryStlCube, IsolatedService, type HttpClient } from '@fabflow/testing';

type Ticket = z.infer<typeof SingleUploadTicket>;
type FileView = z.infer<typeof ModelFileView>;

const credentials = { accessKeyId: 'uploads-test-key', secretAccessKey: 'uploads-test-secret' };
const MAX_BYTES = 64 * 1024;
const TTL_SECONDS = 10;

/*
 * The shop's uploads against a real S3-compatible server (the embedded one, with Signature V4
 * checks) and the real shop process: the client PUTs through the presigned URL with fetch, the
 * shop checks what arrived.
 */
describe('shop uploads: presigned PUT to S3, then complete (real shop process and S3 server)', () => {
  let dir: string;
  let s3: EmbeddedS3Server;
  let shop: IsolatedService;
  let alice: HttpClient;
  let bob: HttpClient;
  let aliceId: string;
  /** A ticket taken at the start and used only after it has expired (the last test). */
  let early: Ticket;
  const bucket = 'uploads-int-test';

  const customer = async (): Promise<[HttpClient, string]> => {
    const email = `u-${randomBytes(4).toString('hex')}@example.com`;
    const anon = shop.client();
    const reg = await anon.post('/auth/register', {
      email,
      password: 'a-long-password',
      name: 'U',
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const login = await anon.post('/auth/login', { email, password: 'a-long-password' });
    return [shop.client(login.body.accessToken as string), reg.body.id as string];
  };
  const announce = async (client: HttpClient, file: Buffer, filename = 'part.stl') => {
    const res = await client.post<Ticket>('/uploads', { filename, sizeBytes: file.length });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.kind, 'SINGLE', 'small files are one PUT');
    return res.body;
  };
  const put = (ticket: Ticket, body: Buffer, headers = ticket.headers) =>
    fetch(ticket.uploadUrl, { method: ticket.method, headers, body });
  const complete = (client: HttpClient, fileId: string) =>
    client.post<FileView & Pick<Problem, 'detail'>>(`/uploads/${fileId}/complete`);
  const countFiles = async () =>
    (await shop.query<{ n: number }>('SELECT count(*)::int AS n FROM model_files'))[0]!.n;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-uploads-s3-'));
    s3 = await EmbeddedS3Server.start({ dir, credentials, maxObjectBytes: 1024 * 1024 });
    shop = await IsolatedService.start('shop-api', 'shopuploads', {
      S3_ENDPOINT: s3.endpoint,
      // Customers reach S3 by another name than the shop does (as in docker compose).
      S3_PUBLIC_ENDPOINT: `http://localhost:${s3.port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
      UPLOAD_URL_TTL_SECONDS: String(TTL_SECONDS),
    });
    [[alice, aliceId], [bob]] = await Promise.all([customer(), customer()]);
    early = await announce(alice, binaryStlCube(5));
  });

  after(async () => {
    await shop?.stop();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes a binary STL through the presigned PUT and completes it READY with its SHA-256, format and size', async () => {
    const file = binaryStlCube(20);
    const ticket = await announce(alice, file, 'bracket.stl');
    assert.equal(ticket.method, 'PUT');
    assert.equal(ticket.maxBytes, MAX_BYTES);
    assert.deepEqual(ticket.headers, { 'content-length': String(file.length) });
    const expiresIn = Date.parse(ticket.expiresAt) - Date.now();
    assert.ok(expiresIn > 0 && expiresIn <= TTL_SECONDS * 1000, `expires in ${expiresIn} ms`);
    assert.ok(
      ticket.uploadUrl.startsWith(
        `http://localhost:${s3.port}/${bucket}/models/${aliceId}/${ticket.fileId}?`,
      ),
      `signed for the public endpoint: ${ticket.uploadUrl}`,
    );

    const pending = await alice.get<FileView>(`/uploads/${ticket.fileId}`);
    assert.equal(pending.body.status, 'PENDING_UPLOAD');
    assert.equal((await put(ticket, file)).status, 200);

    const done = await complete(alice, ticket.fileId);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(
      {
        status: done.body.status,
        sha256: done.body.sha256,
        format: done.body.format,
        sizeBytes: done.body.sizeBytes,
        unit: done.body.unit,
        filename: done.body.filename,
      },
      {
        status: 'READY',
        sha256: createHash('sha256').update(file).digest('hex'),
        format: 'STL_BINARY',
        sizeBytes: file.length,
        unit: 'mm',
        filename: 'bracket.stl',
      },
    );
    const again = await complete(alice, ticket.fileId);
    assert.equal(again.status, 200, 'completing twice is fine');
    assert.equal(again.body.completedAt, done.body.completedAt);
    assert.deepEqual((await alice.get(`/uploads/${ticket.fileId}`)).body, done.body);
  });

  it('recognises ASCII STL and 3MF, and records the declared unit', async () => {
    const ascii = asciiStlCube(1);
    const a = await alice.post<Ticket>('/uploads', {
      filename: 'cube.STL',
      sizeBytes: ascii.length,
      unit: 'inch',
    });
    assert.equal((await put(a.body, ascii)).status, 200);
    const aDone = await complete(alice, a.body.fileId);
    assert.equal(aDone.body.format, 'STL_ASCII');
    assert.equal(aDone.body.unit, 'inch');

    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(400)]);
    const z = await announce(alice, zip, 'assembly.3mf');
    assert.equal((await put(z, zip)).status, 200);
    assert.equal((await complete(alice, z.fileId)).body.format, '3MF');
  });

  it('answers a completion before any upload with 409 and what to do', async () => {
    const ticket = await announce(alice, binaryStlCube(3));
    const res = await complete(alice, ticket.fileId);
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /PUT the file to its uploadUrl first/);
    assert.equal(
      (await alice.get<FileView>(`/uploads/${ticket.fileId}`)).body.status,
      'PENDING_UPLOAD',
    );
  });

  it('refuses a file of another size: S3 refuses the PUT, and the shop refuses an object that is not the announced size', async () => {
    const file = binaryStlCube(8);
    const ticket = await announce(alice, file);
    const longer = Buffer.concat([file, Buffer.alloc(50)]);
    const refused = await put(ticket, longer, { 'content-length': String(longer.length) });
    assert.equal(refused.status, 403, 'the signed content-length does not match');
    assert.match(await refused.text(), /SignatureDoesNotMatch/);

    // Something else wrote the key (not through this ticket): the shop checks, it does not trust.
    const other = new ObjectStorage({
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: true,
    });
    try {
      await other.put(`models/${aliceId}/${ticket.fileId}`, longer);
    } finally {
      other.close();
    }
    const res = await complete(alice, ticket.fileId);
    assert.equal(res.status, 422);
    assert.match(
      res.body.detail,
      new RegExp(`has ${longer.length} bytes but ${file.length} were announced`),
    );
    assert.equal(
      (await alice.get<FileView>(`/uploads/${ticket.fileId}`)).body.status,
      'PENDING_UPLOAD',
    );
  });

  it('refuses what is not a model, or a cut-off STL, with a reason a person can act on; the file stays unusable', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'notes.stl',
        Buffer.from('these are my notes, not a model\n'.repeat(10)),
        /UNKNOWN_FORMAT: .*binary or ASCII STL, or 3MF/,
      ],
      [
        'cut.stl',
        binaryStlCube(10).subarray(0, 84 + 50 * 7),
        /TRUNCATED: .*12 triangles, which takes 684 bytes, but it has only 434: it was cut off/,
      ],
    ];
    for (const [filename, body, reason] of cases) {
      const ticket = await announce(alice, body, filename);
      assert.equal((await put(ticket, body)).status, 200);
      const res = await complete(alice, ticket.fileId);
      assert.equal(res.status, 422, filename);
      assert.match(res.body.detail, reason);
      assert.match(res.body.detail, new RegExp(`^${filename}: `));
      const view = await alice.get<FileView>(`/uploads/${ticket.fileId}`);
      assert.deepEqual(
        [view.body.status, view.body.format, view.body.sha256],
        ['PENDING_UPLOAD', null, null],
      );
    }
  });

  it('never shows or completes another customer’s file (404), nor anything without a token (401)', async () => {
    const file = binaryStlCube(4);
    const ticket = await announce(alice, file);
    assert.equal((await put(ticket, file)).status, 200);
    const peek = await bob.get<Problem>(`/uploads/${ticket.fileId}`);
    assert.equal(peek.status, 404);
    assert.match(peek.body.detail, /not found/);
    assert.equal((await complete(bob, ticket.fileId)).status, 404);
    assert.equal(
      (await shop.client().post('/uploads', { filename: 'a.stl', sizeBytes: 10 })).status,
      401,
    );
    assert.equal(
      (await alice.get<FileView>(`/uploads/${ticket.fileId}`)).body.status,
      'PENDING_UPLOAD',
    );
  });

  it('refuses a declared size over the limit with 413 and bad announcements with 400, writing nothing', async () => {
    const before = await countFiles();
    const big = await alice.post<Problem>('/uploads', {
      filename: 'huge.stl',
      sizeBytes: MAX_BYTES + 1,
    });
    assert.equal(big.status, 413);
    assert.match(big.body.detail, new RegExp(`the largest model file is ${MAX_BYTES} bytes`));
    const bad: Array<[object, RegExp]> = [
      [{ filename: 'photo.jpg', sizeBytes: 100 }, /filename: must end in \.stl or \.3mf/],
      [{ filename: 'a.stl', sizeBytes: 0 }, /sizeBytes/],
      [{ filename: 'a.stl', sizeBytes: 10, unit: 'furlong' }, /unit/],
      [{ filename: 'a.stl', sizeBytes: 10, bucket: 'other' }, /unknown field\(s\): bucket/],
    ];
    for (const [body, reason] of bad) {
      const res = await alice.post<Problem>('/uploads', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.detail, reason);
    }
    assert.equal((await alice.post('/uploads/not-a-uuid/complete')).status, 400);
    assert.equal(await countFiles(), before);
  });

  it('has S3 refuse the upload URL once it has expired', async () => {
    const wait = Date.parse(early.expiresAt) + 1500 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const late = await put(early, binaryStlCube(5));
    assert.equal(late.status, 403);
    assert.match(await late.text(), /Request has expired/);
    const res = await complete(alice, early.fileId);
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /an expired URL needs a new upload/);
  });
});
