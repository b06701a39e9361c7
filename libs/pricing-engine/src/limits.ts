/** Bounds that protect the workers from hostile or absurd archives. */
export interface ZipLimits {
  /** Entries allowed in the central directory. */
  maxEntries: number;
  /** Uncompressed bytes allowed for any single extracted entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes declared by all entries together. */
  maxTotalBytes: number;
  /** Uncompressed/compressed ratio above which an entry is treated as a zip bomb. */
  maxCompressionRatio: number;
}

/** Bounds applied while parsing any format. */
export interface ParseLimits {
  /** Triangles accepted in one model, whatever the format. */
  maxTriangles: number;
  zip: ZipLimits;
}

/** Defaults sized for the 5M-triangle benchmark with a tenfold margin. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxTriangles: 50_000_000,
  zip: {
    maxEntries: 1_000,
    maxEntryBytes: 1024 * 1024 * 1024,
    maxTotalBytes: 2 * 1024 * 1024 * 1024,
    maxCompressionRatio: 250,
  },
};

/** Merges caller overrides onto the defaults. */
export function resolveParseLimits(
  overrides: { maxTriangles?: number; zip?: Partial<ZipLimits> } = {},
): ParseLimits {
  return {
    maxTriangles: overrides.maxTriangles ?? DEFAULT_PARSE_LIMITS.maxTriangles,
    zip: { ...DEFAULT_PARSE_LIMITS.zip, ...overrides.zip },
  };
}
