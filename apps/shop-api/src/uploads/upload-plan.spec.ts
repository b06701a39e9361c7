import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PARTS, MIN_PART_BYTES, partSizeFor, planParts } from './upload-plan';

const MiB = 1024 ** 2;

describe('multipart upload plan', () => {
  it('cuts a file into parts of the part size, the last one shorter, covering every byte once', () => {
    const parts = planParts(35 * MiB + 7, 16 * MiB);
    assert.deepEqual(parts, [
      { partNumber: 1, offset: 0, sizeBytes: 16 * MiB },
      { partNumber: 2, offset: 16 * MiB, sizeBytes: 16 * MiB },
      { partNumber: 3, offset: 32 * MiB, sizeBytes: 3 * MiB + 7 },
    ]);
    assert.deepEqual(
      planParts(32 * MiB, 16 * MiB).map((p) => p.sizeBytes),
      [16 * MiB, 16 * MiB],
    );
  });

  it('keeps within S3’s 10 000 parts and 5 MiB minimum by raising the part size', () => {
    assert.equal(partSizeFor(100 * MiB, 16 * MiB), 16 * MiB);
    const huge = 200 * 1024 ** 3;
    const size = partSizeFor(huge, 16 * MiB);
    assert.ok(planParts(huge, size).length <= MAX_PARTS, `${size}`);
    assert.equal(size % MiB, 0);
    assert.ok(partSizeFor(10 * MiB, 1) >= MIN_PART_BYTES);
  });
});
