export * from './bootstrap';
export * from './endpoint.decorator';
export * from './health';
export * from './problem.filter';
export * from './redis';
export * from './validation.interceptor';
export * from './service-core.module';
export * from './run-service';
