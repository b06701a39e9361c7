import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { S3Error } from './s3-error';
import { parseAddress } from './s3-request';

const codeOf = (url: string) => {
  try {
    parseAddress(url);
    return 'parsed';
  } catch (e) {
    return (e as S3Error).code;
  }
};

describe('S3 request address', () => {
  it('splits service, bucket and key, decoding the key once and keeping the raw path for the signature', () => {
    assert.deepEqual(parseAddress('/').bucket, undefined);
    const bucket = parseAddress('/models/?list-type=2&prefix=a%2Fb');
    assert.deepEqual(
      [bucket.bucket, bucket.key, bucket.params.get('prefix')],
      ['models', undefined, 'a/b'],
    );
    const object = parseAddress('/models/a%20b/%C3%BC%2F..%2Fx?uploads');
    assert.deepEqual(
      [object.bucket, object.key, object.rawPath],
      ['models', 'a b/ü/../x', '/models/a%20b/%C3%BC%2F..%2Fx'],
    );
    assert.equal(object.params.has('uploads'), true);
    assert.equal(parseAddress('//key').bucket, '', 'the empty bucket, refused later as invalid');
  });

  it('answers targets it cannot read with InvalidURI and keys over 1024 bytes with KeyTooLongError', () => {
    for (const url of ['*', 'http://host/x', '/b/%ZZ', '/b/%E0%A4%A', '/b/k?a=%', '/%C0%AF/k'])
      assert.equal(codeOf(url), 'InvalidURI', url);
    assert.equal(codeOf(`/b/${'k'.repeat(1024)}`), 'parsed');
    assert.equal(codeOf(`/b/${'é'.repeat(513)}`), 'KeyTooLongError');
  });
});
