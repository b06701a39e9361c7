import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authenticate } from './request-auth';
import { S3Error } from './s3-error';
import { EMPTY_SHA256, canonicalQuery, parseQuery, uriEncode } from './sigv4';

// AWS's published Signature V4 examples for S3 ("Examples: Signature calculations"), with their
// documented signatures: an implementation that gets one byte of the canonical request wrong
// fails them.
const AWS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const AT_2013_05_24 = Date.UTC(2013, 4, 24, 0, 0, 10);

describe('Signature V4 (S3)', () => {
  it('verifies AWS’s example GET with an Authorization header and a Range', () => {
    const r = authenticate(
      {
        method: 'GET',
        path: '/test.txt',
        query: [],
        headers: {
          host: 'examplebucket.s3.amazonaws.com',
          range: 'bytes=0-9',
          'x-amz-content-sha256': EMPTY_SHA256,
          'x-amz-date': '20130524T000000Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
        },
      },
      AWS,
      AT_2013_05_24,
    );
    assert.equal(r.presigned, false);
    assert.deepEqual(r.signedHeaders, ['host', 'range', 'x-amz-content-sha256', 'x-amz-date']);
  });

  it('verifies AWS’s example presigned URL, and refuses it once expired', () => {
    const query = parseQuery(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
    const req = {
      method: 'GET',
      path: '/test.txt',
      query,
      headers: { host: 'examplebucket.s3.amazonaws.com' },
    };
    assert.equal(authenticate(req, AWS, AT_2013_05_24).presigned, true);
    assert.throws(
      () => authenticate(req, AWS, Date.UTC(2013, 4, 25, 0, 0, 1)),
      (e: S3Error) => e.status === 403 && e.message === 'Request has expired',
    );
  });

  it('refuses a changed signed header, a wrong secret and an unknown key id', () => {
    const base = {
      method: 'GET',
      path: '/test.txt',
      query: [] as Array<[string, string]>,
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': EMPTY_SHA256,
        'x-amz-date': '20130524T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
      },
    };
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        return (e as S3Error).code;
      }
    };
    assert.equal(
      code(() =>
        authenticate(
          { ...base, headers: { ...base.headers, range: 'bytes=0-99' } },
          AWS,
          AT_2013_05_24,
        ),
      ),
      'SignatureDoesNotMatch',
    );
    assert.equal(
      code(() => authenticate(base, { ...AWS, secretAccessKey: 'another-secret' }, AT_2013_05_24)),
      'SignatureDoesNotMatch',
    );
    assert.equal(
      code(() => authenticate(base, { ...AWS, accessKeyId: 'SOMEONE-ELSE' }, AT_2013_05_24)),
      'InvalidAccessKeyId',
    );
    assert.equal(
      code(() => authenticate(base, AWS, Date.UTC(2013, 4, 24, 1, 0, 0))),
      'RequestTimeTooSkewed',
    );
    assert.equal(
      code(() => authenticate({ ...base, headers: { host: 'x' } }, AWS, AT_2013_05_24)),
      'AccessDenied',
    );
  });

  it('treats signed header names like `constructor` as absent headers, not as object properties', () => {
    for (const name of ['constructor', '__proto__', 'tostring']) {
      const authorization = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;${name},Signature=${'0'.repeat(64)}`;
      assert.throws(
        () =>
          authenticate(
            {
              method: 'GET',
              path: '/test.txt',
              query: [],
              headers: {
                host: 'examplebucket.s3.amazonaws.com',
                'x-amz-content-sha256': EMPTY_SHA256,
                'x-amz-date': '20130524T000000Z',
                authorization,
              },
            },
            AWS,
            AT_2013_05_24,
          ),
        (e: S3Error) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch',
        name,
      );
    }
  });

  it('encodes and sorts the query as SigV4 requires', () => {
    assert.equal(uriEncode("a b/c~d*e'(f)!"), 'a%20b%2Fc~d%2Ae%27%28f%29%21');
    assert.equal(canonicalQuery(parseQuery('b=2&a=1&a=0&prefix=')), 'a=0&a=1&b=2&prefix=');
  });
});
