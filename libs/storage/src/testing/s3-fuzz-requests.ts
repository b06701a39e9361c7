import { SignatureV4 } from '@smithy/signature-v4';
import type { RawRequest } from './raw-http-exchange';
import {
  S3_METHODS,
  body as fuzzBody,
  encodedKey,
  junkHeaders,
  method as fuzzMethod,
  path as fuzzPath,
  queryParams,
  queryString,
  type FuzzWorld,
} from './s3-fuzz-values';
import type { SeededRandom } from './seeded-random';

export interface FuzzRequest extends RawRequest {
  /** One line that says what was sent, for the failure message. */
  description: string;
  method: string;
}

type SignableRequest = Parameters<SignatureV4['sign']>[0];
type Sha256 = ConstructorParameters<typeof SignatureV4>[0]['sha256'];

const CRLF = '\r\n';

/**
 * Random requests to an S3 server: raw bytes that may not even be HTTP, requests signed with
 * the AWS SDK's own Signature V4 signer (so they pass authentication and reach the operation
 * handlers) and presigned URLs, each of those now and then tampered with after signing.
 */
export class S3Fuzzer {
  private readonly signer: SignatureV4;

  constructor(
    private readonly host: string,
    private readonly port: number,
    credentials: { accessKeyId: string; secretAccessKey: string },
    sha256: Sha256,
  ) {
    this.signer = new SignatureV4({
      credentials,
      region: 'us-east-1',
      service: 's3',
      sha256,
      // S3 signs the path as sent (encoded once), like the SDK's S3 client.
      uriEscapePath: false,
      applyChecksum: true,
    });
  }

  async request(rng: SeededRandom, world: FuzzWorld): Promise<FuzzRequest> {
    const r = rng.next();
    if (r < 0.4) return this.raw(rng, world);
    if (r < 0.85) return this.signed(rng, world);
    return this.presigned(rng, world);
  }

  private raw(rng: SeededRandom, world: FuzzWorld): FuzzRequest {
    const method = fuzzMethod(rng, true);
    const q = queryString(rng, queryParams(rng, world), true);
    let target = fuzzPath(rng, world) + (q ? `?${q}` : '');
    if (rng.chance(0.05))
      target = rng.pick(['*', `http://${this.host}:${this.port}/x`, '/ü/raw', 'x']);
    const body = fuzzBody(rng);
    const headers: Array<[string, string]> = [];
    if (rng.chance(0.9)) headers.push(['host', `${this.host}:${this.port}`]);
    headers.push(...junkHeaders(rng));
    const framing = this.framing(rng, body.length);
    headers.push(...framing.headers);
    if (rng.chance(0.05)) headers.push(['x-huge', 'h'.repeat(rng.between(9000, 40000))]);
    if (rng.chance(0.03)) for (let i = 0; i < 300; i++) headers.push([`x-many-${i}`, String(i)]);
    if (rng.chance(0.03)) headers.push(['bad header', 'x'], ['x-ctl', 'a\u0001b']);
    if (rng.chance(0.03)) headers.push(['upgrade', 'websocket'], ['connection', 'Upgrade']);
    if (rng.chance(0.8)) headers.push(['connection', 'close']);
    const version = rng.chance(0.95)
      ? 'HTTP/1.1'
      : rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'FOO']);
    return {
      method,
      head: this.head(method, target, version, headers),
      body: framing.body,
      halfClose: rng.chance(0.5),
      description: `raw ${method} ${target.slice(0, 160)} ${version} headers=[${headers
        .map(([k]) => k)
        .slice(0, 12)
        .join(',')}] body=${framing.body.length}${framing.note}`,
    };
  }

  /** Content-Length right, missing, wrong or garbage; or a chunked body, valid or not. */
  private framing(rng: SeededRandom, length: number) {
    const r = rng.next();
    const body = (b: Buffer, headers: Array<[string, string]>, note = '') => ({
      body: b,
      headers,
      note,
    });
    const bytes = rng.bytes(length);
    if (r < 0.5) return body(bytes, [['content-length', String(length)]]);
    if (r < 0.62) return body(bytes, [], ' (no length)');
    if (r < 0.72)
      return body(
        bytes,
        [['content-length', String(length + rng.between(1, 5000))]],
        ' (short body)',
      );
    if (r < 0.8)
      return body(
        bytes,
        [['content-length', String(Math.max(0, length - rng.between(1, 10)))]],
        ' (long body)',
      );
    if (r < 0.88)
      return body(
        bytes,
        [['content-length', rng.pick(['abc', '-1', '5, 6', '99999999999999999999', '1e3'])]],
        ' (garbage length)',
      );
    const chunked = Buffer.concat([
      Buffer.from(`${length.toString(16)}\r\n`),
      bytes,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    if (r < 0.95) return body(chunked, [['transfer-encoding', 'chunked']], ' (chunked)');
    return body(
      rng.chance(0.5) ? chunked.subarray(0, rng.int(chunked.length)) : Buffer.from('zz\r\nxx\r\n'),
      [
        ['transfer-encoding', rng.pick(['chunked', 'gzip, chunked', 'chunked, identity'])],
        ...(rng.chance(0.5) ? [['content-length', '10'] as [string, string]] : []),
      ],
      ' (broken chunked)',
    );
  }

  private head(method: string, target: string, version: string, headers: Array<[string, string]>) {
    return Buffer.from(
      `${method} ${target} ${version}${CRLF}${headers.map(([k, v]) => `${k}: ${v}${CRLF}`).join('')}${CRLF}`,
      'utf8',
    );
  }

  private baseRequest(rng: SeededRandom, world: FuzzWorld) {
    const method = rng.chance(0.92) ? rng.pick(S3_METHODS) : rng.pick(['OPTIONS', 'PATCH', 'FOO']);
    const key = rng.chance(0.3) ? '' : `/${encodedKey(rng, world)}`;
    const path = `/${rng.chance(0.95) ? world.bucket : 'no-such-bucket'}${key}`;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of queryParams(rng, world)) {
      const prev = query[k];
      query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    return { method, path, query, body: fuzzBody(rng) };
  }

  private async signed(rng: SeededRandom, world: FuzzWorld): Promise<FuzzRequest> {
    const { method, path, query, body } = this.baseRequest(rng, world);
    const headers: Record<string, string> = { host: `${this.host}:${this.port}` };
    for (const [k, v] of junkHeaders(rng))
      if (!['authorization', 'x-amz-date', 'expect'].includes(k)) headers[k] = v;
    if (body.length > 0 || method === 'PUT') headers['content-length'] = String(body.length);
    else delete headers['content-length'];
    if (rng.chance(0.2)) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const request: SignableRequest = {
      method,
      protocol: 'http:',
      hostname: this.host,
      port: this.port,
      path,
      query,
      headers,
      body,
    };
    const signed = await this.signer.sign(request, { signingDate: new Date() });
    return this.tampered(rng, 'signed', signed);
  }

  private async presigned(rng: SeededRandom, world: FuzzWorld): Promise<FuzzRequest> {
    const { method, path, query, body } = this.baseRequest(rng, world);
    const headers: Record<string, string> = {
      host: `${this.host}:${this.port}`,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    };
    if (body.length > 0 || method === 'PUT') headers['content-length'] = String(body.length);
    const request: SignableRequest = {
      method,
      protocol: 'http:',
      hostname: this.host,
      port: this.port,
      path,
      query,
      headers,
      body,
    };
    const signingDate = rng.chance(0.1) ? new Date(Date.now() - 3_600_000) : new Date();
    const signed = await this.signer.presign(request, {
      expiresIn: rng.pick([1, 60, 3600]),
      signingDate,
      signableHeaders: new Set(['content-length']),
    });
    return this.tampered(rng, 'presigned', signed);
  }

  /** The signed request as bytes; now and then changed after signing. */
  private tampered(rng: SeededRandom, kind: string, signed: SignableRequest): FuzzRequest {
    const body = Buffer.from((signed.body as Uint8Array | undefined) ?? new Uint8Array());
    const headers = Object.entries(signed.headers).map(([k, v]): [string, string] => [
      k,
      String(v),
    ]);
    let sent = body;
    let note = '';
    const r = rng.next();
    if (r < 0.05 && body.length > 0) {
      sent = Buffer.from(body);
      const at = rng.int(sent.length);
      sent[at] = sent[at]! ^ 0xff;
      note = ' (body changed)';
    } else if (r < 0.1 && body.length > 1) {
      sent = body.subarray(0, rng.int(body.length));
      note = ' (body cut)';
    } else if (r < 0.13) {
      headers.push(['x-amz-meta-added', 'after signing']);
      note = ' (header added)';
    }
    headers.push(['connection', 'close']);
    const pairs = Object.entries(signed.query ?? {}).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v ?? '']).map((x): [string, string] => [k, x]),
    );
    const q = queryString(rng, pairs, false);
    const target = signed.path + (q ? `?${q}` : '');
    return {
      method: signed.method,
      head: this.head(signed.method, target, 'HTTP/1.1', headers),
      body: sent,
      // Node's server drops a half-closed connection's answer: only a cut body needs the FIN.
      halfClose: sent.length < body.length,
      description: `${kind} ${signed.method} ${target.slice(0, 200)} body=${body.length}${note}`,
    };
  }
}
