export * from './define-config';
export * from './env-types';
export * from './common-env';
export * from './redis-env';
export * from './storage-env';
export * from './rate-limit-env';
export * from './pricing-env';
export * from './auth-env';
