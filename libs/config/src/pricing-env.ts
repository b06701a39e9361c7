import { z } from 'zod';
import { DEFAULT_PRICING_QUEUE } from '@fabflow/contracts';
import { defineConfig } from './define-config';

/** The BullMQ queue of pricing jobs: mes-api adds to it, the pricing worker takes from it. */
export const pricingQueueEnv = defineConfig({
  PRICING_QUEUE: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, { message: 'letters, digits, . _ - only' })
      .default(DEFAULT_PRICING_QUEUE),
    description: 'BullMQ queue of pricing jobs (the same on mes-api and pricing-worker).',
  },
});
