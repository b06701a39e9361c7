import type { SeededRandom } from './seeded-random';

/** The bucket, keys and uploads a fuzz run aims at (so some requests reach deep handlers). */
export interface FuzzWorld {
  bucket: string;
  keys: readonly string[];
  uploadIds: readonly string[];
}

const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';

export const S3_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];
const ODD_METHODS = ['OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'FOO', 'get', 'CONNECT'];
const BROKEN_METHODS = ['G ET', 'GET\x00', '', 'P\u00dcT', '(GET)'];

export function method(rng: SeededRandom, raw: boolean): string {
  const r = rng.next();
  if (r < 0.8) return rng.pick(S3_METHODS);
  if (r < 0.95 || !raw) return rng.pick(ODD_METHODS.filter((m) => raw || m !== 'CONNECT'));
  return rng.pick(BROKEN_METHODS);
}

/** Keys as a client might send them, encoded: odd encodings, traversal, unicode, very long. */
export function encodedKey(rng: SeededRandom, world: FuzzWorld): string {
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  switch (rng.int(12)) {
    case 0:
    case 1:
      return enc(rng.pick(world.keys));
    case 2:
      return enc(`fuzz/${rng.text(rng.between(1, 20), SAFE)}`);
    case 3:
      return rng.pick([
        '..%2F..%2Fetc%2Fpasswd',
        '../../etc/passwd',
        '%2e%2e/%2e%2e/x',
        './.',
        '..',
      ]);
    case 4:
      return rng.pick(['%ZZ', '%E0%A4%A', '%', '%C0%AF', '%FF%FE', 'a%00b', '%2F%2F%2F']);
    case 5:
      return enc(rng.pick(['模型/ünïcödé.stl', '🙂/🚀.3mf', 'ä ö ü', 'نموذج.stl', '\u202Eltr']));
    case 6:
      return enc(rng.text(rng.between(1000, 1100), SAFE));
    case 7:
      return rng.text(rng.between(3000, 9000), 'ab/%20');
    case 8:
      return enc(`x/${'\u0001\u0002\u001f'.slice(0, rng.between(1, 3))}/y`);
    case 9:
      return `${rng.text(5, SAFE)}//${rng.text(5, SAFE)}/`;
    case 10:
      return enc(rng.text(rng.between(1, 40), ' !"#$&\'()*+,:;<=>?@[]^`{|}~'));
    default:
      return enc(rng.pick(world.keys)) + rng.pick(['', '/', '%2F', '+', '%20']);
  }
}

export function path(rng: SeededRandom, world: FuzzWorld): string {
  const bucket = rng.chance(0.8)
    ? world.bucket
    : rng.pick(['no-such-bucket', 'A', 'ab', 'x'.repeat(70), '..', '.', '-abc', 'bad_bucket', '']);
  switch (rng.int(6)) {
    case 0:
      return '/';
    case 1:
      return `/${bucket}${rng.pick(['', '/'])}`;
    default:
      return `/${bucket}/${encodedKey(rng, world)}`;
  }
}

const JUNK = ['', '-1', '0', 'abc', '99999999999999999999', '1e3', ' 1', '%', '\u00e9'];

/** Query parameters: S3 sub-resources, list options and presign fields, valid and broken. */
export function queryParams(rng: SeededRandom, world: FuzzWorld): Array<[string, string]> {
  const uploadId = () =>
    rng.chance(0.7) && world.uploadIds.length
      ? rng.pick(world.uploadIds)
      : rng.pick(['', 'x', '../..', rng.text(32, SAFE)]);
  const options: Array<() => [string, string]> = [
    () => ['uploads', ''],
    () => ['uploadId', uploadId()],
    () => ['partNumber', rng.pick(['1', '2', '10000', '10001', ...JUNK])],
    () => ['acl', ''],
    () => ['list-type', rng.pick(['1', '2', '3', 'abc'])],
    () => ['max-keys', rng.pick(['0', '1', '1000', '1001', ...JUNK])],
    () => ['prefix', rng.pick(['', 'fuzz/', 'x', '\u00fc', '%'])],
    () => ['delimiter', rng.pick(['/', '', 'ab', '\u00fc'])],
    () => ['marker', rng.pick(['', 'fuzz/', 'zzz'])],
    () => ['continuation-token', rng.pick(['', 'Zm9v', '!!!', rng.text(10, SAFE)])],
    () => ['start-after', rng.pick(['', 'fuzz/a'])],
    () => ['encoding-type', rng.pick(['url', 'xml', ''])],
    () => ['max-parts', rng.pick(['1', '1000', ...JUNK])],
    () => ['part-number-marker', rng.pick(['0', '1', ...JUNK])],
    () => [
      rng.pick([
        'tagging',
        'versioning',
        'location',
        'delete',
        'restore',
        'select',
        'versionId',
        'cors',
        'policy',
        'lifecycle',
        'torrent',
        'attributes',
        'legal-hold',
        'object-lock',
        'renameObject',
        'session',
        'versions',
      ]),
      '',
    ],
    () => [
      rng.pick([
        'X-Amz-Algorithm',
        'X-Amz-Credential',
        'X-Amz-Signature',
        'X-Amz-Expires',
        'X-Amz-Date',
        'X-Amz-SignedHeaders',
      ]),
      rng.pick([
        'AWS4-HMAC-SHA256',
        'x/y/z',
        '0'.repeat(64),
        '604801',
        '20200101T000000Z',
        'host',
        ...JUNK,
      ]),
    ],
    () => [rng.text(rng.between(1, 8), SAFE), rng.text(rng.between(0, 8), SAFE)],
  ];
  const n = rng.int(4);
  return Array.from({ length: n }, () => rng.pick(options)());
}

/** A query string from pairs, encoded as SigV4 expects, now and then with broken escapes. */
export function queryString(
  rng: SeededRandom,
  pairs: Array<[string, string]>,
  raw: boolean,
): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  let q = pairs
    .map(([k, v]) => (v === '' && rng.chance(0.5) ? enc(k) : `${enc(k)}=${enc(v)}`))
    .join('&');
  if (raw && rng.chance(0.15)) q += rng.pick(['&%ZZ=1', '&a=%', '&&', '&=', '&%E0%A4%A']);
  return q;
}

/** Headers a client might add, most of them wrong. */
export function junkHeaders(rng: SeededRandom): Array<[string, string]> {
  const options: Array<() => [string, string]> = [
    () => [
      'authorization',
      rng.pick([
        'AWS4-HMAC-SHA256 Credential=fabflow-dev/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' +
          '0'.repeat(64),
        'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host;constructor;__proto__, Signature=' +
          'a'.repeat(64),
        'AWS4-HMAC-SHA256',
        'AWS fabflow-dev:c2lnbmF0dXJl',
        'Bearer x.y.z',
        '',
        'AWS4-HMAC-SHA256 ' + 'x'.repeat(rng.between(100, 6000)),
      ]),
    ],
    () => ['x-amz-date', rng.pick(['20200101T000000Z', '99991399T256199Z', 'now', ''])],
    () => [
      'x-amz-content-sha256',
      rng.pick([
        'UNSIGNED-PAYLOAD',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'nothex',
      ]),
    ],
    () => ['x-amz-copy-source', rng.pick(['/other/key', '%ZZ', ''])],
    () => ['x-amz-checksum-crc32', rng.pick(['AAAAAA==', 'junk', ''])],
    () => ['x-amz-decoded-content-length', rng.pick(JUNK)],
    () => [
      `x-amz-meta-${rng.text(rng.between(1, 10), SAFE)}`,
      rng.text(rng.between(0, 200), `${SAFE} `),
    ],
    () => [
      'range',
      rng.pick([
        'bytes=0-',
        'bytes=-0',
        'bytes=99999999999999999999-',
        'bytes=5-1',
        'bytes=a-b',
        'items=0-1',
        'bytes=0-0,2-3',
        'bytes=-5',
      ]),
    ],
    () => [
      'content-type',
      rng.pick([
        'application/xml',
        'text/plain; charset=utf-8',
        'multipart/form-data; boundary=x',
        '',
      ]),
    ],
    () => ['expect', rng.pick(['100-continue', 'nonsense'])],
    () => ['x-amz-expected-bucket-owner', '123456789012'],
    () => [`x-${rng.text(rng.between(1, 12), SAFE)}`, rng.text(rng.between(0, 64), SAFE)],
  ];
  return Array.from({ length: rng.int(4) }, () => rng.pick(options)());
}

/** Bodies: empty, random bytes, XML (valid, broken, hostile), now and then large. */
export function body(rng: SeededRandom): Buffer {
  switch (rng.int(8)) {
    case 0:
    case 1:
      return Buffer.alloc(0);
    case 2:
    case 3:
      return rng.bytes(rng.between(1, 4096));
    case 4:
      return rng.bytes(rng.between(64 * 1024, 700 * 1024));
    case 5: {
      const parts = Array.from(
        { length: rng.between(0, 4) },
        (_, i) =>
          `<Part><PartNumber>${rng.pick([String(i + 1), '0', '10001', 'x', '007'])}</PartNumber><ETag>"${rng.text(32, '0123456789abcdef')}"</ETag></Part>`,
      ).join('');
      return Buffer.from(
        `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts}</CompleteMultipartUpload>`,
      );
    }
    case 6:
      return Buffer.from(
        rng.pick([
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&b;</ETag></Part></CompleteMultipartUpload>',
          '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>',
          `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`,
          '<CompleteMultipartUpload><Part><PartNumber><x>1</x></PartNumber><ETag><y/></ETag></Part></CompleteMultipartUpload>',
          '<Delete><Object><Key>x</Key></Object></Delete>',
          'not xml at all',
        ]),
      );
    default:
      return Buffer.from(rng.text(rng.between(1, 2000), `${SAFE}<>&"' \n`));
  }
}
