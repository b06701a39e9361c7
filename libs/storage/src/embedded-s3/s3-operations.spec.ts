import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationOf, type S3Target } from './s3-operations';

const op = (method: string, target: S3Target, query = '', headers: Record<string, string> = {}) =>
  operationOf(method, target, new Map(new URLSearchParams(query)), headers);

describe('S3 operation of a request', () => {
  it('names bucket reads by sub-resource, ListObjects (v1) by default and ListObjectsV2 by list-type=2', () => {
    assert.equal(op('GET', 'bucket'), 'ListObjects');
    assert.equal(op('GET', 'bucket', 'list-type=2&prefix=a'), 'ListObjectsV2');
    assert.equal(op('GET', 'bucket', 'list-type=1'), 'ListObjects');
    assert.equal(op('GET', 'bucket', 'location'), 'GetBucketLocation');
    assert.equal(op('GET', 'bucket', 'uploads'), 'ListMultipartUploads');
    assert.equal(op('GET', 'bucket', 'acl'), 'GetBucketAcl');
    assert.equal(op('PUT', 'bucket', 'versioning'), 'PutBucketVersioning');
    assert.equal(op('DELETE', 'bucket', 'cors'), 'DeleteBucketCors');
    assert.equal(op('POST', 'bucket', 'delete'), 'DeleteObjects');
    assert.equal(op('GET', 'service'), 'ListBuckets');
  });

  it('names object operations, multipart ones and copies', () => {
    assert.equal(op('POST', 'object', 'uploads'), 'CreateMultipartUpload');
    assert.equal(op('PUT', 'object', 'partNumber=1&uploadId=u'), 'UploadPart');
    assert.equal(
      op('PUT', 'object', 'partNumber=1&uploadId=u', { 'x-amz-copy-source': '/b/k' }),
      'UploadPartCopy',
    );
    assert.equal(op('POST', 'object', 'uploadId=u'), 'CompleteMultipartUpload');
    assert.equal(op('DELETE', 'object', 'uploadId=u'), 'AbortMultipartUpload');
    assert.equal(op('GET', 'object', 'uploadId=u'), 'ListParts');
    assert.equal(op('PUT', 'object', '', { 'x-amz-copy-source': '/b/k' }), 'CopyObject');
    assert.equal(op('GET', 'object', 'tagging'), 'GetObjectTagging');
    assert.equal(op('GET', 'object', 'unknown-parameter=1'), 'GetObject');
  });

  it('has no operation for a method S3 does not know there (405, not 501)', () => {
    assert.equal(op('PATCH', 'object'), undefined);
    assert.equal(op('POST', 'object'), undefined);
    assert.equal(op('PUT', 'service'), undefined);
  });
});
