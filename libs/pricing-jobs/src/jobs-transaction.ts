import type { Transaction } from 'kysely';
import type { PricingJobsTables } from './pricing-jobs.table';

/**
 * A side's transaction (its schema extends PricingJobsTables) as one over this library's table:
 * Kysely's types are invariant in the schema, so the wider type does not narrow by itself.
 */
export const jobsTransaction = <DB extends PricingJobsTables>(tx: Transaction<DB>) =>
  tx as unknown as Transaction<PricingJobsTables>;
