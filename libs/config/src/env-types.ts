import { z } from 'zod';

/** An integer from a string, within bounds. */
export const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A duration in milliseconds from a string. */
export const msFromEnv = (min = 0, max = 86_400_000) => intFromEnv(min, max);

/** "true"/"false"/"1"/"0" as a boolean. */
export const boolFromEnv = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

/** A comma-separated list of URLs with the given protocols (e.g. several broker nodes). */
export const urlListFromEnv = (protocols: string[]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p.length > 0),
    )
    .pipe(
      z
        .array(
          z.url().refine((u) => protocols.includes(new URL(u).protocol), {
            message: `must use ${protocols.join(' or ')}`,
          }),
        )
        .min(1, { message: 'needs at least one URL' }),
    );

export const urlFromEnv = (protocols: string[]) =>
  z.url().refine((u) => protocols.includes(new URL(u).protocol), {
    message: `must use ${protocols.join(' or ')}`,
  });
