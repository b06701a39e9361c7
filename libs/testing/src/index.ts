export * from './isolation';
export * from './test-env';
export * from './wait-for';
export * from './http-client';
export * from './service-process';
export * from './private-postgres';
export * from './rabbitmq-cluster';
export * from './pricing-fixtures';
