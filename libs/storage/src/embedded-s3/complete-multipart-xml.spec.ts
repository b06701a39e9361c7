import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompleteMultipartUpload } from './complete-multipart-xml';
import type { S3Error } from './s3-error';

const code = (xml: string) => {
  try {
    parseCompleteMultipartUpload(Buffer.from(xml));
    return 'parsed';
  } catch (e) {
    return (e as S3Error).code;
  }
};

describe('CompleteMultipartUpload body', () => {
  it('reads part numbers and ETags as the SDK writes them (escaped quotes, namespace, checksums)', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Part><ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><PartNumber>1</PartNumber></Part>' +
      '<Part><PartNumber>007</PartNumber><ETag>"1e10"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>' +
      '</CompleteMultipartUpload>';
    assert.deepEqual(parseCompleteMultipartUpload(Buffer.from(xml)), [
      { partNumber: 1, etag: '0123456789abcdef0123456789abcdef' },
      { partNumber: 7, etag: '1e10' },
    ]);
  });

  it('refuses what is not that document as MalformedXML, and part numbers outside 1..10000', () => {
    assert.equal(code('not xml'), 'MalformedXML');
    assert.equal(code('<CompleteMultipartUpload></CompleteMultipartUpload>'), 'MalformedXML');
    assert.equal(
      code(
        '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
      ),
      'MalformedXML',
    );
    assert.equal(
      code('<Other><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Other>'),
      'MalformedXML',
    );
    assert.equal(
      code(
        '<CompleteMultipartUpload><Part><PartNumber><x>1</x></PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
      ),
      'MalformedXML',
    );
    assert.equal(code(`${'<a>'.repeat(500)}${'</a>'.repeat(500)}`), 'MalformedXML');
    assert.equal(
      code(
        '<CompleteMultipartUpload><Part><PartNumber>0</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
      ),
      'InvalidArgument',
    );
    assert.equal(
      code(
        '<CompleteMultipartUpload><Part><PartNumber>10001</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
      ),
      'InvalidArgument',
    );
  });

  it('refuses any document type declaration (entity expansion) outright', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>' +
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&b;</ETag></Part></CompleteMultipartUpload>';
    assert.equal(code(bomb), 'MalformedXML');
  });
});
