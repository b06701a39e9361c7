import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ModelFileView, QuoteView, UploadTicket } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { binaryStlCube, sendUpload, waitFor, type HttpClient } from '@fabflow/testing';
import { S3_BUCKET, type FabflowSystem } from './fabflow-system';

export type Quote = z.infer<typeof QuoteView>;

/** The customer a shop client acts for (its token's subject). */
export function customerIdOf(shop: HttpClient): string {
  const payload = shop.token?.split('.')[1];
  assert.ok(payload, 'the shop client has a customer token');
  const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown })
    .sub;
  assert.equal(typeof sub, 'string', 'the token names its customer');
  return sub as string;
}

export interface ReadyQuoteOptions {
  quantity?: number;
  unitPriceCents?: number;
  materialId?: string;
  /** How long the quote stays orderable (default 14 days, like the MES's QUOTE_VALIDITY_DAYS). */
  validForMs?: number;
  /** B2B: a quote of an organisation (customerId = its id), as POST /b2b/v1/quotes makes. */
  channel?: 'B2C' | 'B2B';
}

/** Fixture model files have no object in S3: nothing reads them (no pricing runs on them). */
const FIXTURE_FILE = binaryStlCube(20);
const FIXTURE_SHA256 = createHash('sha256').update(FIXTURE_FILE).digest('hex');

/**
 * FIXTURE SETUP, like a seed — not the system under test. Writes `n` READY quotes (each with the
 * READY model file it prices) straight into the shop's own test database, as if the pricing
 * worker had priced them: for tests about what happens once a customer has a price (order
 * streams, kill and chaos tests, tracing and Prometheus traffic) that do not run the worker.
 * Never for testing pricing itself: that is `pricedQuote`, the real way. One INSERT per table,
 * so a stream of thousands of orders costs two statements per batch.
 */
export async function readyQuotes(
  sys: FabflowSystem,
  customerId: string,
  n: number,
  opts: ReadyQuoteOptions = {},
): Promise<string[]> {
  const quantity = opts.quantity ?? 1;
  const unit = opts.unitPriceCents ?? 1250;
  const total = unit * quantity;
  const fileIds = Array.from({ length: n }, () => uuidv7());
  const quoteIds = Array.from({ length: n }, () => uuidv7());
  const validUntil = new Date(Date.now() + (opts.validForMs ?? 14 * 86_400_000));
  const price = {
    currency: 'EUR',
    materialCents: Math.round(total * 0.4),
    supportCents: 0,
    machineTimeCents: total - Math.round(total * 0.4),
    setupCents: 0,
    postProcessingCents: 0,
    subtotalCents: total,
    quantityDiscountCents: 0,
    leadTimeAdjustmentCents: 0,
    minimumPriceAdjustmentCents: 0,
    totalCents: total,
    unitPriceCents: unit,
  };
  const model = {
    format: 'STL_BINARY',
    triangles: 12,
    volumeMm3: 8000,
    surfaceAreaMm2: 2400,
    bboxMm: { x: 20, y: 20, z: 20 },
    watertight: true,
    shells: 1,
  };
  await sys.query(
    'shop',
    `INSERT INTO model_files (id, customer_id, filename, unit, size_bytes, status, bucket, key,
       sha256, format, completed_at)
     SELECT id, $1::uuid, 'fixture-bracket.stl', 'mm', $2, 'READY', $3,
       'models/' || $1::text || '/' || id::text,
       $4, 'STL_BINARY', now()
     FROM unnest($5::uuid[]) AS id`,
    [customerId, FIXTURE_FILE.length, S3_BUCKET, FIXTURE_SHA256, fileIds],
  );
  await sys.query(
    'shop',
    `INSERT INTO quotes (id, customer_id, file_id, material_id, quantity, lead_time, mode, status,
       price_mode, price, model, pricing, valid_until, progress_stage, progress_fraction,
       progress_overall, progress_at, channel)
     SELECT q, $1, f, $2, $3, 'STANDARD', 'INDICATIVE', 'READY', 'INDICATIVE', $4, $5, $6, $7,
       'cost', 1, 1, now(), $10
     FROM unnest($8::uuid[], $9::uuid[]) AS t(q, f)`,
    [
      customerId,
      opts.materialId ?? 'pla-black',
      quantity,
      JSON.stringify(price),
      JSON.stringify(model),
      // Marked as a fixture where an engine would name itself.
      JSON.stringify({
        technology: 'FDM',
        machineId: null,
        partsPerBuild: quantity,
        machineSeconds: 3600,
        priceListVersion: 'fixture',
        engineVersion: 'fixture',
        pricedAt: new Date().toISOString(),
      }),
      validUntil,
      quoteIds,
      fileIds,
      opts.channel ?? 'B2C',
    ],
  );
  return quoteIds;
}

/** One READY quote of the fixture kind (see `readyQuotes`): its id. */
export async function readyQuote(
  sys: FabflowSystem,
  customerId: string,
  opts: ReadyQuoteOptions = {},
): Promise<string> {
  return (await readyQuotes(sys, customerId, 1, opts))[0]!;
}

/** The real upload: announce, PUT through the presigned URL(s), complete. The READY file. */
export async function uploadModel(
  shop: HttpClient,
  file: Buffer = binaryStlCube(20),
  opts: { filename?: string; unit?: 'mm' | 'cm' | 'inch' } = {},
): Promise<z.infer<typeof ModelFileView>> {
  const t = await shop.post<z.infer<typeof UploadTicket>>('/uploads', {
    filename: opts.filename ?? 'bracket.stl',
    sizeBytes: file.length,
    unit: opts.unit ?? 'mm',
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  const completion = await sendUpload(t.body, file);
  const done = await shop.post<z.infer<typeof ModelFileView>>(
    `/uploads/${t.body.fileId}/complete`,
    completion,
  );
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return done.body;
}

/** Polls a quote until it is no longer CALCULATING. */
export function waitForQuote(shop: HttpClient, quoteId: string, timeoutMs = 120_000) {
  return waitFor(
    `quote ${quoteId} to be priced`,
    async () => {
      const res = await shop.get<Quote>(`/quotes/${quoteId}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.status === 'CALCULATING' ? undefined : res.body;
    },
    timeoutMs,
    250,
  );
}

/**
 * A quote priced the real way, for systems that run the pricing worker (`pricing: true`):
 * uploads the model through its presigned URL, completes it, asks for the quote once the
 * material is on the MES's published price list, and waits until the worker has priced it.
 * Fails with the quote's reason unless it ends READY.
 */
export async function pricedQuote(
  shop: HttpClient,
  opts: {
    model?: Buffer;
    filename?: string;
    materialId?: string;
    quantity?: number;
    leadTime?: 'ECONOMY' | 'STANDARD' | 'EXPRESS';
    firm?: boolean;
    timeoutMs?: number;
  } = {},
): Promise<Quote> {
  const materialId = opts.materialId ?? 'pla-black';
  const file = await uploadModel(shop, opts.model, { filename: opts.filename });
  await waitFor(
    `${materialId} on the published price list`,
    async () => {
      const res = await shop.get<{ items: Array<{ id: string }> }>('/materials');
      return res.body.items.some((m) => m.id === materialId);
    },
    30_000,
    250,
  );
  const res = await shop.post<{ quoteId: string }>('/quotes', {
    fileId: file.id,
    materialId,
    quantity: opts.quantity ?? 1,
    leadTime: opts.leadTime ?? 'STANDARD',
    firm: opts.firm ?? false,
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const quote = await waitForQuote(shop, res.body.quoteId, opts.timeoutMs);
  assert.equal(quote.status, 'READY', JSON.stringify({ failure: quote.failure, quote }));
  return quote;
}
