export * from './pricing-jobs.table';
export * from './pricing-job-dispatch.repository';
export * from './pricing-job-run.repository';
