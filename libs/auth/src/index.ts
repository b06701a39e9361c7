export * from './auth.guard';
export * from './password';
export * from './tokens';
export * from './api-key';
