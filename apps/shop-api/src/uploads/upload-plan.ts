/** S3's limits on a multipart upload. */
export const MAX_PARTS = 10_000;
export const MIN_PART_BYTES = 5 * 1024 ** 2;

export interface PlannedPart {
  partNumber: number;
  /** Where the part starts in the file. */
  offset: number;
  sizeBytes: number;
}

/**
 * The part size for a file: the configured one, or larger when the file would need more than
 * S3's 10 000 parts (rounded up to a whole MiB so the parts stay easy to cut).
 */
export function partSizeFor(sizeBytes: number, preferred: number): number {
  const least = Math.ceil(sizeBytes / MAX_PARTS);
  const size = least <= preferred ? preferred : Math.ceil(least / 1024 ** 2) * 1024 ** 2;
  return Math.max(size, MIN_PART_BYTES);
}

/** The parts of a file of `sizeBytes` cut every `partSize` bytes (the last one shorter). */
export function planParts(sizeBytes: number, partSize: number): PlannedPart[] {
  const count = Math.ceil(sizeBytes / partSize);
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    offset: i * partSize,
    sizeBytes: Math.min(partSize, sizeBytes - i * partSize),
  }));
}
