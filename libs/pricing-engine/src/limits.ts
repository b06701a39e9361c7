/** Bounds that protect the workers from hostile or absurd archives. */
export interface ZipLimits {
  /** Entries allowed in the central directory. */
  maxEntries: number;
  /** Uncompressed bytes allowed for any single extracted entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes declared by all entries together. */
  maxTotalBytes: number;
  /** Uncompressed/compressed ratio above which an entry of 1 MiB or more is a zip bomb. */
  maxCompressionRatio: number;
  /**
   * The parts the engine extracts together may expand to at most this many times the file's
   * size, plus {@link ZIP_RATIO_FLOOR_BYTES}, whatever their headers say. 3MF model XML
   * deflates 3–10:1; this budget is what bounds the XML a file can make the worker scan.
   */
  maxExtractedRatio: number;
}

/**
 * How far a 3MF's components and build items may multiply its meshes. Checked on the object
 * graph before any placement is expanded, so a file over them is refused in time proportional
 * to its size.
 */
export interface ComponentLimits {
  /** Levels of components inside components below a build item. */
  maxDepth: number;
  /** Mesh placements the build expands to (one per printed copy of a mesh object). */
  maxPlacements: number;
  /**
   * Triangles the build may expand to, per byte of the uploaded file, beyond what the file
   * lists itself; at least {@link baseTriangles}. A 3MF mesh takes 15–25 bytes per triangle
   * deflated, so 2 per byte allows some 40 copies of a part (PrusaSlicer writes copies as items).
   */
  trianglesPerFileByte: number;
  baseTriangles: number;
}

/** Bounds applied while parsing any format. */
export interface ParseLimits {
  /** Triangles accepted in one model, whatever the format. */
  maxTriangles: number;
  zip: ZipLimits;
  components: ComponentLimits;
}

/** Below this size a high ratio is harmless (a few KB of XML whitespace compresses a lot). */
export const ZIP_RATIO_FLOOR_BYTES = 1024 * 1024;

/** Defaults sized for the 5M-triangle benchmark with a tenfold margin. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxTriangles: 50_000_000,
  zip: {
    maxEntries: 1_000,
    maxEntryBytes: 1024 * 1024 * 1024,
    maxTotalBytes: 2 * 1024 * 1024 * 1024,
    maxCompressionRatio: 250,
    maxExtractedRatio: 32,
  },
  components: {
    maxDepth: 16,
    maxPlacements: 100_000,
    trianglesPerFileByte: 2,
    baseTriangles: 1_000_000,
  },
};

/** Caller overrides of {@link DEFAULT_PARSE_LIMITS}, per group. */
export interface ParseLimitOverrides {
  maxTriangles?: number;
  zip?: Partial<ZipLimits>;
  components?: Partial<ComponentLimits>;
}

/** Merges caller overrides onto the defaults. */
export function resolveParseLimits(overrides: ParseLimitOverrides = {}): ParseLimits {
  return {
    maxTriangles: overrides.maxTriangles ?? DEFAULT_PARSE_LIMITS.maxTriangles,
    zip: { ...DEFAULT_PARSE_LIMITS.zip, ...overrides.zip },
    components: { ...DEFAULT_PARSE_LIMITS.components, ...overrides.components },
  };
}
