/**
 * Work done while reading a 3MF, counted as it happens. The tests use it to show that a hostile
 * file is refused after work proportional to its size (not to what it would expand to), which
 * a wall-clock assertion could not show reliably.
 */
export interface ParseWork {
  /** Bytes decompressed from the archive. */
  bytesInflated: number;
  /** Model parts (XML files) scanned. */
  partsParsed: number;
  /** Objects whose expanded size was computed, each at most once. */
  objectsBounded: number;
  /** Component references followed while bounding, each at most once. */
  componentsFollowed: number;
  /** Objects placed (visited) while writing the build's triangles. */
  placementsVisited: number;
  /** Triangles written to the soup. */
  trianglesEmitted: number;
}

/** A fresh counter. */
export function newParseWork(): ParseWork {
  return {
    bytesInflated: 0,
    partsParsed: 0,
    objectsBounded: 0,
    componentsFollowed: 0,
    placementsVisited: 0,
    trianglesEmitted: 0,
  };
}
