import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from './webhook-targets';

export interface PinnedPostOptions {
  timeoutMs: number;
  /** Bytes of the answer read at most (the body is not used; a receiver cannot make us read more). */
  maxResponseBytes: number;
}

export interface PinnedResponse {
  status: number;
  retryAfter: string | null;
}

/**
 * POSTs to a checked target over a connection to exactly its checked address: the socket's
 * lookup answers with that address (TLS still verifies the certificate for the URL's host, and
 * Host is the URL's), so no second resolution can move the request elsewhere. Redirects are
 * answers, never followed; the whole exchange is bounded in time and in bytes read.
 */
export function pinnedPost(
  target: WebhookTarget,
  headers: Record<string, string>,
  body: string,
  opts: PinnedPostOptions,
): Promise<PinnedResponse> {
  const { url, address } = target;
  const lookup: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all)
      (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address: address.address, family: address.family },
      ]);
    else cb(null, address.address, address.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PinnedResponse>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        lookup,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(opts.timeoutMs),
        maxHeaderSize: 16 * 1024,
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > opts.maxResponseBytes) res.destroy();
        });
        const done = () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: headerOf(res, 'retry-after') });
        res.once('end', done);
        res.once('close', done);
        res.once('error', done);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

function headerOf(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return typeof v === 'string' ? v : null;
}
