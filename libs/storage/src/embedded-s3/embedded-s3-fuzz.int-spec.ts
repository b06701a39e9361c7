import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  EmbeddedS3Process,
  rawExchange,
  S3Fuzzer,
  SeededRandom,
  sdkFuzzCall,
  type FuzzWorld,
  type RawResponse,
} from '../testing';

/*
 * The embedded S3 server as `npm start` runs it (its own process) under random requests: raw
 * bytes that are hardly HTTP, requests signed with the AWS SDK's signer (so they pass
 * authentication and reach the operation handlers, then are sometimes changed after signing),
 * presigned URLs, and random operations through the SDK itself. After every batch the process
 * must still be running, must have logged no failed request, and must still store and return
 * an object. The seed is printed; S3_FUZZ_SEED=<seed> replays a run, S3_FUZZ_BATCHES sets its
 * length.
 */
const credentials = { accessKeyId: 'fuzz-key', secretAccessKey: 'fuzz-secret-key' };
const SEED = process.env.S3_FUZZ_SEED ? Number(process.env.S3_FUZZ_SEED) : randomInt(2 ** 31);
const BATCHES = process.env.S3_FUZZ_BATCHES ? Number(process.env.S3_FUZZ_BATCHES) : 8;
const PER_BATCH = 100;
const CONCURRENCY = 8;
const BUCKET = 'fuzz-bucket';
const ERROR_DOCUMENT =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>(\w+)<\/Code><Message>[^<]*<\/Message>(<Resource>[^<]*<\/Resource>)?<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/;

/** What an answer was, for the run's summary: `200`, `404 NoSuchKey`, `closed`. */
function outcomeOf(res: RawResponse): string {
  if (res.status === undefined) return 'closed';
  const code = /<Code>(\w+)<\/Code>/.exec(res.body.toString('utf8'))?.[1];
  return code ? `${res.status} ${code}` : String(res.status);
}

/** What is wrong with one raw answer, if anything. */
function rawProblem(method: string, res: RawResponse): string | undefined {
  if (res.status === undefined) return undefined; // dropped without an answer: allowed
  if (res.status >= 500 && res.status !== 501) return `answered ${res.status}`;
  if (res.status < 400 || method === 'HEAD') return undefined;
  const m = ERROR_DOCUMENT.exec(res.body.toString('utf8'));
  if (!m)
    return `answered ${res.status} without an S3 error document: ${res.body.toString('utf8').slice(0, 200)}`;
  if (res.status === 501 && m[1] !== 'NotImplemented') return `501 with code ${m[1]}`;
  return undefined;
}

/** What is wrong with one SDK outcome, if anything: the SDK must read every answer as S3's. */
function sdkProblem(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  if (!(err instanceof S3ServiceException))
    return `the SDK could not read the answer: ${err instanceof Error ? err.message : JSON.stringify(err)}`;
  const status = err.$metadata.httpStatusCode ?? 0;
  if (status >= 500 && status !== 501) return `answered ${status} ${err.name}`;
  if (status === 501 && err.name !== 'NotImplemented') return `501 named ${err.name}`;
  return undefined;
}

async function inBatches<T>(items: T[], n: number, run: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item);
    }),
  );
}

describe('embedded S3 server process: fuzzed, it keeps serving', () => {
  let dir: string;
  let server: EmbeddedS3Process;
  let s3: S3Client;
  let fuzzer: S3Fuzzer;
  const keys = ['models/a.stl', 'models/b.3mf', 'fuzz/multipart', 'dir/sub/key with space', 'ü/ñ'];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabflow-s3-fuzz-'));
    server = await EmbeddedS3Process.start({
      dir,
      credentials,
      env: { UPLOAD_MAX_BYTES: String(8 * 1024 ** 2) },
    });
    s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const Key of keys)
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body: Buffer.from(`content of ${Key}`) }),
      );
    fuzzer = new S3Fuzzer('127.0.0.1', server.port, credentials, s3.config.sha256);
  });

  after(async () => {
    s3?.destroy();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Two multipart uploads in progress (one with a part), so fuzzed part requests hit them. */
  async function world(): Promise<FuzzWorld> {
    const uploadIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'fuzz/multipart' }),
      );
      uploadIds.push(UploadId!);
    }
    await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'fuzz/multipart',
        UploadId: uploadIds[0],
        PartNumber: 1,
        Body: Buffer.from('part one'),
      }),
    );
    return { bucket: BUCKET, keys, uploadIds };
  }

  function assertAlive(when: string) {
    assert.equal(
      server.exited,
      undefined,
      `the server process ended ${when} (seed ${SEED}): ${server.stderr.slice(-3000)}`,
    );
    assert.doesNotMatch(
      server.stderr,
      /embedded S3 request failed|could not answer/,
      `a request failed inside the server ${when} (seed ${SEED})`,
    );
  }

  async function roundTrip(batch: number) {
    const body = new SeededRandom(SEED).fork(1e6 + batch).bytes(1 + batch * 7919);
    const Key = `round-trip/${batch}`;
    const abortSignal = AbortSignal.timeout(15_000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: body }), { abortSignal });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }), { abortSignal });
    assert.deepEqual(
      Buffer.from(await got.Body!.transformToByteArray()),
      body,
      `round trip after batch ${batch}`,
    );
  }

  it('answers every random request with S3 documents, never a 500, never a crash; a signed PUT/GET round trip works after each batch', async (t) => {
    t.diagnostic(`S3 fuzz seed ${SEED} (replay: S3_FUZZ_SEED=${SEED})`);
    console.log(`S3 fuzz seed ${SEED} (replay: S3_FUZZ_SEED=${SEED})`);
    const root = new SeededRandom(SEED);
    const outcomes = new Map<string, number>();
    for (let batch = 0; batch < BATCHES; batch++) {
      const w = await world();
      const problems: string[] = [];
      const indexes = Array.from({ length: PER_BATCH }, (_, i) => batch * PER_BATCH + i);
      await inBatches(indexes, CONCURRENCY, async (index) => {
        const rng = root.fork(index);
        let problem: string | undefined;
        let description: string;
        let outcome: string;
        if (rng.chance(0.2)) {
          const call = sdkFuzzCall(rng, s3, w);
          description = call.description;
          const err = await call.send().then(
            () => undefined,
            (e: unknown) => e,
          );
          problem = sdkProblem(err);
          outcome =
            err instanceof S3ServiceException
              ? `sdk ${err.$metadata.httpStatusCode} ${err.name}`
              : `sdk ${err === undefined ? 'ok' : 'unreadable'}`;
        } else {
          const req = await fuzzer.request(rng, w);
          description = req.description;
          const res = await rawExchange('127.0.0.1', server.port, req);
          problem = rawProblem(req.method, res);
          outcome = `${description.split(' ')[0]} ${outcomeOf(res)}`;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (problem) problems.push(`#${index} ${description}: ${problem}`);
      });
      assertAlive(`during batch ${batch}`);
      assert.deepEqual(problems, [], `seed ${SEED}, batch ${batch}`);
      await roundTrip(batch);
    }
    const summary = [...outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o}: ${n}`);
    t.diagnostic(`${BATCHES * PER_BATCH} requests; answers: ${summary.join(', ')}`);
    assertAlive('after the last batch');
  });
});

describe('embedded S3 server process: production', () => {
  it('refuses to start with NODE_ENV=production, saying what to use instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabflow-s3-prod-'));
    try {
      const run = await EmbeddedS3Process.run({
        dir,
        credentials,
        env: { NODE_ENV: 'production' },
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /refuses to start with NODE_ENV=production.*S3_ENDPOINT/);
      assert.doesNotMatch(run.stdout, /listening/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
