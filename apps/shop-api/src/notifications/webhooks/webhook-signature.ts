import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'fabflow-signature';
export const EVENT_ID_HEADER = 'fabflow-event-id';

/** The delivery a webhook request carries. */
export interface WebhookRequest {
  /** The delivery's id. */
  id: string;
  event_id: string;
  event_type: string;
  body: string;
  /** This attempt's number, from 1. */
  attempts: number;
}

/**
 * The headers of a webhook POST, signed with every secret in `secrets`. The AsyncAPI document
 * of the webhooks (docs/api/shop.webhooks.asyncapi.json) declares exactly these.
 */
export function webhookHeaders(
  d: WebhookRequest,
  secrets: readonly string[],
  nowSeconds: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Fabflow-Webhooks/1',
    [EVENT_ID_HEADER]: d.event_id,
    'fabflow-event-type': d.event_type,
    'fabflow-delivery-id': d.id,
    'fabflow-attempt': String(d.attempts),
    [SIGNATURE_HEADER]: signatureHeader(secrets, nowSeconds, d.body),
  };
}

/** HMAC-SHA256(secret, "<t>.<body>") as hex. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one v1 per signing secret (two while a rotated
 * secret overlaps with its successor), so a receiver holding either secret can verify.
 */
export function signatureHeader(
  secrets: readonly string[],
  timestamp: number,
  body: string,
): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signPayload(s, timestamp, body)}`)].join(
    ',',
  );
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * What a receiver does (see docs/architecture.md#webhooks): parse the header, refuse a
 * timestamp outside the tolerance (replays), and accept when any v1 matches, compared in
 * constant time. Exported for receivers written in TypeScript and for the tests.
 */
export function verifySignature(
  header: string | undefined,
  secret: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): VerifyResult {
  if (!header) return { ok: false, reason: 'no Fabflow-Signature header' };
  const parts = header
    .split(',')
    .map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return { ok: false, reason: 'no timestamp' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = Buffer.from(signPayload(secret, t, body), 'hex');
  const match = parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'no signature matches' };
}
