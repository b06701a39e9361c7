/** Buckets up to this size are insertion-sorted; larger ones use the typed-array sort. */
const SMALL_BUCKET = 16;

/**
 * Sorts `entries[start..end)` ascending in place. Most buckets of a mesh (the edges around one
 * vertex) hold a handful of entries, where insertion sort beats the typed-array sort's call; a
 * fan centre can hold hundreds of thousands, where insertion sort would be quadratic.
 */
export function sortBucket(entries: Uint32Array, start: number, end: number): void {
  if (end - start > SMALL_BUCKET) {
    entries.subarray(start, end).sort();
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const value = entries[i]!;
    let j = i - 1;
    while (j >= start && entries[j]! > value) {
      entries[j + 1] = entries[j]!;
      j--;
    }
    entries[j + 1] = value;
  }
}
