import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one request or one message handling carries. */
export interface RequestContext {
  correlationId: string;
  fields: Record<string, string>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Adds a field (for example `order_id`) to the logs of the rest of this request. */
export function annotateContext(key: string, value: string): void {
  const ctx = storage.getStore();
  if (ctx) ctx.fields[key] = value;
}
