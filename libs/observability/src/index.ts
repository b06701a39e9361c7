export * from './logger';
export * from './nest-logger';
export * from './request-context';
export * from './metrics';
export * from './trace-context';
export * from './tracing';
export * from './health-checks';
export * from './readiness-log';
