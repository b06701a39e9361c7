/**
 * A problem with the job itself that no retry can fix (the file is gone, too large, …). The
 * readers of infra/ throw it; jobs/pricing-failure.ts decides what it means for the quote.
 */
export class PricingJobRejected extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'PricingJobRejected';
  }
}
