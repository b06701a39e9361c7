import { z } from 'zod';

/** RFC 9457 problem details: the body of every 4xx/5xx. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  allowed: z.array(z.string()).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const IdParam = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });

export const Health = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(
    z.string(),
    // Up or down only: why a dependency is down goes to the service's log, not to the caller.
    z.object({ status: z.enum(['up', 'down']) }),
  ),
});
