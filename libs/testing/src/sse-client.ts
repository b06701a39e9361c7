/** One Server-Sent Events block: an event with its fields, or a comment line. */
export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

/**
 * Reads a `text/event-stream` response with fetch, block by block, the way a browser reads one
 * with fetch (EventSource cannot send an Authorization header).
 */
export class SseClient {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    return new SseClient(res.status, res.headers, res.body?.getReader(), abort);
  }

  /** The next block, or `undefined` when the server ended the stream; fails after `timeoutMs`. */
  async next(timeoutMs = 15_000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseBlock(block);
      }
      if (!this.reader) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no server-sent event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left))),
      ]).finally(() => clearTimeout(timer));
      if (chunk === 'timeout') throw new Error(`no server-sent event within ${timeoutMs} ms`);
      if (chunk.done) return undefined;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next block that is an event (comments and retry hints skipped); undefined at the end. */
  async nextEvent(timeoutMs = 15_000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = await this.next(Math.max(1, deadline - Date.now()));
      if (!m || m.data !== undefined) return m;
    }
  }

  close(): void {
    this.abort.abort();
  }
}

function parseBlock(block: string): SseMessage {
  const m: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      m.comment = line.slice(1).trim();
      continue;
    }
    const at = line.indexOf(':');
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
    if (field === 'data') m.data = m.data === undefined ? value : `${m.data}\n${value}`;
    else if (field === 'event') m.event = value;
    else if (field === 'id') m.id = value;
    else if (field === 'retry') m.retry = Number(value);
  }
  return m;
}
