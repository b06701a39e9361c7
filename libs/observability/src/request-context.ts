import { AsyncLocalStorage } from 'node:async_hooks';
import { trace, type Span } from '@opentelemetry/api';

/** What every log line of one request or one message handling carries. */
export interface RequestContext {
  correlationId: string;
  fields: Record<string, string>;
  /** The span of this request or message handling; annotations go on it as `fabflow.<key>`. */
  span?: Span;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current context; its span defaults to the span active now. */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run({ ...ctx, span: ctx.span ?? trace.getActiveSpan() }, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Adds a field (for example `order_id`) to the logs of the rest of this request, and to its span
 * as `fabflow.<key>` (`fabflow.order_id`), so traces can be searched by it.
 */
export function annotateContext(key: string, value: string): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  ctx.fields[key] = value;
  ctx.span?.setAttribute(`fabflow.${key}`, value);
}
