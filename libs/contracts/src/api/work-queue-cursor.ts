import { z } from 'zod';

/**
 * Where a page of the work queue ended, in its sort order (rush first, due date, id). The due
 * date keeps Postgres' microseconds (`2026-12-24T10:00:00.123456Z`): a millisecond Date would
 * skip or repeat rows due within the same millisecond.
 */
export interface WorkQueuePosition {
  /** 0 for RUSH, 1 for NORMAL. */
  rank: number;
  dueAt: string;
  id: string;
}

const DUE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque `nextCursor` of a position. */
export function encodeWorkQueueCursor(p: WorkQueuePosition): string {
  return Buffer.from(JSON.stringify([p.rank, p.dueAt, p.id])).toString('base64url');
}

/** The position of a cursor, or undefined when it is not one this API made. */
export function decodeWorkQueueCursor(cursor: string): WorkQueuePosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const [rank, dueAt, id] = value as unknown[];
  if ((rank !== 0 && rank !== 1) || typeof dueAt !== 'string' || typeof id !== 'string')
    return undefined;
  if (!DUE.test(dueAt) || Number.isNaN(Date.parse(dueAt)) || !UUID.test(id)) return undefined;
  return { rank, dueAt, id: id.toLowerCase() };
}

/** A `cursor` query parameter: decoded, or a 400 saying what to pass instead. */
export const WorkQueueCursor = z.string().transform((s, ctx) => {
  const position = decodeWorkQueueCursor(s);
  if (!position) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a cursor of this list: pass the nextCursor of the previous page unchanged',
    });
    return z.NEVER;
  }
  return position;
});
