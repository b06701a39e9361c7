import { createHash } from 'node:crypto';

/*
 * draft-ietf-httpapi-idempotency-key-header: the value is a Structured Field String
 * (`Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`). A bare token is accepted too,
 * as most clients send one. Either way: 1-255 printable ASCII characters.
 */
const PRINTABLE = /^[\x21-\x7e]{1,255}$/;
const SF_STRING = /^"((?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

export type ParsedIdempotencyKey = { ok: true; key: string } | { ok: false; reason: string };

export function parseIdempotencyKey(header: string | string[] | undefined): ParsedIdempotencyKey {
  if (header === undefined || header === '')
    return {
      ok: false,
      reason:
        'Idempotency-Key is required on this POST (a retry with the same key gets the first answer back)',
    };
  if (Array.isArray(header)) return { ok: false, reason: 'send one Idempotency-Key' };
  const quoted = SF_STRING.exec(header);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : header;
  if (key.length === 0 || key.length > 255 || (!quoted && !PRINTABLE.test(key)))
    return {
      ok: false,
      reason: 'Idempotency-Key must be 1-255 printable ASCII characters (or a quoted string)',
    };
  if (quoted && !/^[\x20-\x7e]+$/.test(key))
    return { ok: false, reason: 'Idempotency-Key must be printable ASCII' };
  return { ok: true, key };
}

/** JSON with object keys sorted at every level: equal bodies, equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What must be equal for a retry to be the same request: method, path, and the body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const digest = createHash('sha256')
    .update(canonicalJson(body ?? null))
    .digest('hex');
  return `${method.toUpperCase()} ${path} sha256:${digest}`;
}
