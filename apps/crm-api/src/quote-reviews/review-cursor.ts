import type { ReviewCursor } from './quotes.repository';

/** An opaque keyset cursor: `<pricedAt ISO>|<id>` in base64url. */
export function encodeReviewCursor(c: ReviewCursor): string {
  return Buffer.from(`${c.pricedAt.toISOString()}|${c.id}`).toString('base64url');
}

/** undefined for a cursor that is not one of ours (the caller answers 400). */
export function decodeReviewCursor(s: string): ReviewCursor | undefined {
  const [at, id, extra] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  const pricedAt = new Date(at ?? '');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (extra !== undefined || Number.isNaN(pricedAt.getTime()) || !uuid.test(id ?? ''))
    return undefined;
  return { pricedAt, id: id! };
}
