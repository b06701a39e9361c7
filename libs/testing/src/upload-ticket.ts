import assert from 'node:assert/strict';

interface PutTarget {
  uploadUrl: string;
  method: string;
  headers: Record<string, string>;
}

/** A shop upload ticket (`POST /uploads`, `POST /b2b/v1/models`), either kind. */
export type UploadTicketLike =
  | ({ kind: 'SINGLE' } & PutTarget)
  | {
      kind: 'MULTIPART';
      parts: Array<PutTarget & { partNumber: number; offset: number; sizeBytes: number }>;
    };

/** The body of the completion that follows: the parts' ETags for a multipart upload. */
export interface CompletionBody {
  parts?: Array<{ partNumber: number; etag: string }>;
}

/**
 * Sends `file` as the ticket says, the way a client does: one PUT, or each part's bytes to
 * its own presigned URL (a few at a time), keeping the ETag each part's PUT answers.
 */
export async function sendUpload(ticket: UploadTicketLike, file: Buffer): Promise<CompletionBody> {
  if (ticket.kind === 'SINGLE') {
    const res = await fetch(ticket.uploadUrl, {
      method: ticket.method,
      headers: ticket.headers,
      body: file,
    });
    assert.equal(res.status, 200, await res.text());
    return {};
  }
  const parts: Array<{ partNumber: number; etag: string }> = [];
  const queue = [...ticket.parts];
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const body = file.subarray(p.offset, p.offset + p.sizeBytes);
        const res = await fetch(p.uploadUrl, { method: p.method, headers: p.headers, body });
        assert.equal(res.status, 200, `part ${p.partNumber}: ${await res.text()}`);
        parts.push({ partNumber: p.partNumber, etag: res.headers.get('etag')! });
      }
    }),
  );
  return { parts: parts.sort((a, b) => a.partNumber - b.partNumber) };
}
