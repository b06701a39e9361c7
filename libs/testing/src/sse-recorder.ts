import { SseClient } from './sse-client';

/** One server-sent event as received. */
export interface ServerSentEvent {
  event: string;
  data: string;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * Follows a `text/event-stream` in the background (with headers, unlike EventSource) and keeps
 * every event with its arrival time: for tests of live updates that check what arrived and how
 * soon. `SseClient` is the step-by-step reader underneath.
 */
export class SseRecorder {
  private constructor(
    private readonly client: SseClient,
    readonly events: ServerSentEvent[],
    private readonly done: Promise<void>,
  ) {}

  /** Connects and resolves once the response headers are in (status 200 checked). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseRecorder> {
    const client = await SseClient.open(url, headers);
    if (client.status !== 200) {
      client.close();
      throw new Error(`SSE ${url}: HTTP ${client.status}`);
    }
    const events: ServerSentEvent[] = [];
    const done = (async () => {
      try {
        for (;;) {
          const m = await client.next(24 * 3600_000);
          if (!m) return;
          if (m.data !== undefined)
            events.push({ event: m.event ?? 'message', data: m.data, at: performance.now() });
        }
      } catch {
        // closed by close(), or the connection dropped: the events so far stay
      }
    })();
    return new SseRecorder(client, events, done);
  }

  /** The data of the events named `event`, parsed as JSON. */
  data<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  /** Resolves when the server ends the stream. */
  get ended(): Promise<void> {
    return this.done;
  }

  close(): void {
    this.client.close();
  }
}
