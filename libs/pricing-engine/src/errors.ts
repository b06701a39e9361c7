/** Why an uploaded file cannot be analysed. Each code maps to a customer-facing message. */
export type MeshErrorCode =
  | 'EMPTY_FILE'
  | 'UNKNOWN_FORMAT'
  | 'TRUNCATED'
  | 'TRIANGLE_COUNT_MISMATCH'
  | 'ABSURD_TRIANGLE_COUNT'
  | 'TOO_MANY_TRIANGLES'
  | 'EMPTY_MESH'
  | 'NON_FINITE_COORDINATE'
  | 'DEGENERATE_MESH'
  | 'ZERO_VOLUME'
  | 'ASCII_SYNTAX'
  | 'ZIP_CORRUPT'
  | 'ZIP_ENCRYPTED'
  | 'ZIP_UNSUPPORTED'
  | 'ZIP_LIMIT_EXCEEDED'
  | 'MODEL_PART_MISSING'
  | 'XML_DTD_FORBIDDEN'
  | 'INVALID_3MF'
  | 'COMPONENT_CYCLE'
  | 'COMPONENT_LIMIT_EXCEEDED';

/** Why a price cannot be computed although the model is fine (request or configuration). */
export type PricingErrorCode =
  | 'INVALID_PRICE_LIST'
  | 'UNKNOWN_MATERIAL'
  | 'INVALID_QUANTITY'
  | 'INVALID_OPTIONS'
  | 'NON_POSITIVE_VOLUME';

/** Extra machine-readable facts about an error (line number, counts...). */
export type ErrorDetails = Record<string, string | number | boolean | string[]>;

/** Plain, structured-cloneable form of an engine error (errors lose fields across workers). */
export interface EngineErrorInfo<C extends string = string> {
  name: 'MeshError' | 'PricingError';
  code: C;
  message: string;
  details: ErrorDetails;
}

/** The uploaded file is unusable; `message` tells the customer what to do about it. */
export class MeshError extends Error {
  override readonly name = 'MeshError';

  constructor(
    readonly code: MeshErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  toJSON(): EngineErrorInfo<MeshErrorCode> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** The quote request or the price list is invalid; not something the customer can fix. */
export class PricingError extends Error {
  override readonly name = 'PricingError';

  constructor(
    readonly code: PricingErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  toJSON(): EngineErrorInfo<PricingErrorCode> {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Narrows an unknown thrown value to a {@link MeshError}. */
export function isMeshError(error: unknown): error is MeshError {
  return error instanceof MeshError;
}

/** Narrows an unknown thrown value to a {@link PricingError}. */
export function isPricingError(error: unknown): error is PricingError {
  return error instanceof PricingError;
}

/**
 * Converts a thrown engine error to its plain form (for postMessage or HTTP bodies); returns
 * undefined for anything else, which callers should treat as an internal error.
 */
export function toEngineErrorInfo(error: unknown): EngineErrorInfo | undefined {
  return error instanceof MeshError || error instanceof PricingError ? error.toJSON() : undefined;
}
