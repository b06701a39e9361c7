export * from './object-storage';
export { EmbeddedS3Server, type EmbeddedS3Options } from './embedded-s3/embedded-s3-server';
