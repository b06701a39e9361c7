import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor, type HttpClient } from '@fabflow/testing';
import type { FabflowSystem } from '../support/fabflow-system';
import { staffToken } from '../support/journey';

export interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
}

/** The CRM as the seeded manager. */
export async function crmManager(sys: FabflowSystem): Promise<HttpClient> {
  return sys.client('crm', await staffToken(sys, 'manager'));
}

export async function createOrganisation(
  crm: HttpClient,
  tierId: string,
  contactEmails = ['ops@acme.example'],
): Promise<string> {
  const res = await crm.post('/organisations', {
    name: `Acme ${randomBytes(2).toString('hex')}`,
    tierId,
    contactEmails,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

export async function issueKey(
  crm: HttpClient,
  organisationId: string,
  scopes: string[],
): Promise<IssuedKey> {
  const res = await crm.post(`/organisations/${organisationId}/api-keys`, { scopes });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return {
    id: res.body.id as string,
    key: res.body.key as string,
    prefix: res.body.prefix as string,
  };
}

export const withKey = (key: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${key}`,
  ...extra,
});

/** Waits until the key's events have reached the shop (every given instance answers /me). */
export async function waitForKey(shops: HttpClient[], key: string): Promise<void> {
  await Promise.all(
    shops.map((shop) =>
      waitFor(
        `the key to work on ${shop.baseUrl}`,
        async () => (await shop.get('/b2b/v1/me', withKey(key))).status === 200,
        20_000,
        100,
      ),
    ),
  );
}

/** One request the webhook receiver got. */
export interface ReceivedWebhook {
  eventId: string;
  type: string;
  /** The raw body as received (what the signature covers). */
  raw: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  signatureValid: boolean;
  /** What the receiver answered. */
  answered: number;
}

/**
 * A B2B client's webhook endpoint: verifies every request's Fabflow-Signature with the
 * subscription's secret (HMAC-SHA256 over `<t>.<raw body>`, as docs/architecture.md shows a
 * receiver doing it), answers 500 to the first `failFirst` deliveries of each event id, then 204.
 */
export class WebhookReceiver {
  readonly got: ReceivedWebhook[] = [];
  secret = '';
  private readonly attempts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly failFirst: number,
  ) {}

  static async start(failFirst: number): Promise<WebhookReceiver> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.writeHead(receiver.receive(req, Buffer.concat(chunks))).end());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const receiver = new WebhookReceiver(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
      failFirst,
    );
    return receiver;
  }

  private receive(req: IncomingMessage, bytes: Buffer): number {
    const raw = bytes.toString('utf8');
    const eventId = String(req.headers['fabflow-event-id']);
    const signatureValid = verify(raw, String(req.headers['fabflow-signature']), this.secret);
    const n = (this.attempts.get(eventId) ?? 0) + 1;
    this.attempts.set(eventId, n);
    const answered = !signatureValid ? 400 : n <= this.failFirst ? 500 : 204;
    this.got.push({
      eventId,
      type: String(req.headers['fabflow-event-type']),
      raw,
      body: JSON.parse(raw) as ReceivedWebhook['body'],
      signatureValid,
      answered,
    });
    return answered;
  }

  /** Every request for the events matching `pred`. */
  requests(pred: (w: ReceivedWebhook) => boolean): ReceivedWebhook[] {
    return this.got.filter(pred);
  }

  /** Waits until an event matching `pred` has been answered with success; its requests. */
  async delivered(
    what: string,
    pred: (w: ReceivedWebhook) => boolean,
    timeoutMs = 30_000,
  ): Promise<ReceivedWebhook[]> {
    const ok = await waitFor(
      `webhook ${what}`,
      () => this.got.find((w) => pred(w) && w.answered === 204),
      timeoutMs,
      50,
    );
    return this.requests((w) => w.eventId === ok.eventId);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** The receiver's check of Fabflow-Signature (`t=<unix s>,v1=<hex>[,v1=…]`), within 5 minutes. */
function verify(raw: string, header: string, secret: string): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  return parts.some(
    ([k, v]) => k === 'v1' && v?.length === 64 && timingSafeEqual(Buffer.from(v, 'hex'), expected),
  );
}

/** The B2B upload: announce, PUT through the presigned URL, complete. The READY model's id. */
export async function uploadB2bModel(
  shop: HttpClient,
  key: string,
  file: Buffer,
  filename = 'bracket.stl',
): Promise<string> {
  const t = await shop.post<{
    modelId: string;
    uploadUrl: string;
    method: string;
    headers: Record<string, string>;
    completeUrl: string;
  }>(
    '/b2b/v1/models',
    { filename, sizeBytes: file.length },
    withKey(key, { 'idempotency-key': randomUUID() }),
  );
  assert.equal(t.status, 201, JSON.stringify(t.body));
  const put = await fetch(t.body.uploadUrl, {
    method: t.body.method,
    headers: t.body.headers,
    body: file,
  });
  assert.equal(put.status, 200, await put.text());
  const done = await shop.post<{ status: string }>(
    t.body.completeUrl,
    undefined,
    withKey(key, { 'idempotency-key': randomUUID() }),
  );
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.status, 'READY');
  return t.body.modelId;
}

/** Polls a B2B quote until it is no longer CALCULATING. */
export function waitForB2bQuote(
  shop: HttpClient,
  key: string,
  pollUrl: string,
  timeoutMs = 120_000,
) {
  return waitFor(
    `B2B quote ${pollUrl} to be priced`,
    async () => {
      const res = await shop.get<Record<string, unknown> & { status: string }>(
        pollUrl,
        withKey(key),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.status === 'CALCULATING' ? undefined : res.body;
    },
    timeoutMs,
    250,
  );
}
