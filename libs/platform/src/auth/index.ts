export * from './auth-providers';
export * from './jwks.controller';
export * from './refresh-sessions';
export * from './refresh-tokens.database';
export * from './refresh-tokens.repository';
export * from './revocation-feed';
