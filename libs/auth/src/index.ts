export * from './auth.guard';
export * from './route-access';
export * from './password';
export * from './tokens';
export * from './api-key';
