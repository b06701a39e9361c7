import type { AccessTokens } from './api';
import type { LiveEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Follows GET /work-orders/stream (server-sent events) with the bearer token — EventSource
 * cannot send one — and reconnects with backoff when the stream ends, as it does when an
 * instance shuts down: the next connection may land on another instance, which hears the same
 * changes. Each connection takes the current access token; a 401 renews the session and
 * connects again, and ends following when the session has ended. `onState('live')` after a
 * reconnect means events may have been missed: reload. Returns a function that stops it.
 */
export function followLive(
  auth: AccessTokens,
  onEvent: (e: LiveEvent) => void,
  onState: (s: LiveState) => void,
): () => void {
  const abort = new AbortController();
  let delay = 500;

  const dispatch = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (event === 'ready') {
      delay = 500;
      onState('live');
    } else if (event === 'work-order' && data.length > 0) {
      onEvent(JSON.parse(data.join('\n')) as LiveEvent);
    }
  };

  const run = async () => {
    onState('connecting');
    while (!abort.signal.aborted) {
      try {
        const res = await fetch('/work-orders/stream', {
          headers: { authorization: `Bearer ${auth.token()}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (res.status === 401) {
          const renewed = await auth.renew();
          if (renewed === 'ended') return;
          if (renewed === 'renewed') continue;
          throw new Error('stream: the session could not be renewed yet');
        }
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replaceAll('\r\n', '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };
  void run();
  return () => abort.abort();
}
