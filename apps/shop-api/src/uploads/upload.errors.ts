/** Why a model file cannot be used, with the facts a controller needs to explain it. */
export type UploadRefusal =
  | { reason: 'not-found'; fileId: string }
  /** Announced, but nothing was PUT (or not yet, or its URL expired unused). */
  | { reason: 'no-file-yet'; fileId: string }
  /** The object was there when completing started and is gone now. */
  | { reason: 'file-gone'; fileId: string }
  /** A multipart upload whose parts S3 discarded (aborted, or expired by a lifecycle rule). */
  | { reason: 'parts-discarded'; fileId: string };

/** An upload refused; the controller of the API it came through words it (its route text). */
export class UploadRefused extends Error {
  constructor(readonly refusal: UploadRefusal) {
    super(`upload refused: ${refusal.reason} (file ${refusal.fileId})`);
    this.name = 'UploadRefused';
  }
}
