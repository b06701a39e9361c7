import type { StoredObject } from './object-store';

export interface ListingQuery {
  prefix: string;
  /** Keys are rolled up into common prefixes at the first delimiter after the prefix. */
  delimiter: string;
  /** List what sorts after this (a key or a common prefix). */
  after: string;
  maxKeys: number;
}

export interface ListingPage {
  objects: StoredObject[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix of the page: where the next page starts after. */
  last: string | undefined;
}

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * One page of a bucket listing as S3 computes it: keys (in UTF-8 byte order) after `after`
 * under `prefix`, with those holding `delimiter` past the prefix rolled up into one common
 * prefix each; an entry is a key or a common prefix, and a page has at most `maxKeys`.
 */
export function listingPage(sorted: readonly StoredObject[], q: ListingQuery): ListingPage {
  const objects: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const o of sorted) {
    if (!o.key.startsWith(q.prefix) || utf8Order(o.key, q.after) <= 0) continue;
    const at = q.delimiter ? o.key.indexOf(q.delimiter, q.prefix.length) : -1;
    const entry = at < 0 ? o.key : o.key.slice(0, at + q.delimiter.length);
    // Keys under a common prefix already listed (on this page or before `after`) are skipped.
    if (at >= 0 && (entry === last || utf8Order(entry, q.after) <= 0)) continue;
    if (objects.length + commonPrefixes.length >= q.maxKeys) {
      truncated = q.maxKeys > 0;
      break;
    }
    if (at < 0) objects.push(o);
    else commonPrefixes.push(entry);
    last = entry;
  }
  return { objects, commonPrefixes, truncated, last };
}
