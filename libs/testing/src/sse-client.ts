/** One server-sent event as received. */
export interface ServerSentEvent {
  event: string;
  data: string;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * Follows a `text/event-stream` with fetch (headers allowed, unlike EventSource) and keeps
 * every event it receives; for tests of live-update endpoints.
 */
export class SseClient {
  readonly events: ServerSentEvent[] = [];
  private readonly abort = new AbortController();
  private done: Promise<void> | undefined;

  private constructor() {}

  /** Connects and resolves once the response headers are in (status 200 checked). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`SSE ${url}: HTTP ${res.status}`);
    client.done = client.read(res.body);
    return client;
  }

  /** The data of the events named `event`, parsed as JSON. */
  data<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  /** Resolves when the server ends the stream. */
  get ended(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0)
            this.events.push({ event, data: data.join('\n'), at: performance.now() });
        }
      }
    } catch {
      // aborted by close(), or the connection dropped: the events so far stay
    }
  }
}
