/**
 * Test support of the storage library: the embedded S3 server as a child process, and the
 * seeded request generators of its fuzz test. Not part of the runtime API.
 */
export { EmbeddedS3Process, type EmbeddedS3ProcessOptions } from './testing/embedded-s3-process';
export { rawExchange, type RawRequest, type RawResponse } from './testing/raw-http-exchange';
export { S3Fuzzer, type FuzzRequest } from './testing/s3-fuzz-requests';
export { sdkFuzzCall, type SdkCall } from './testing/s3-fuzz-commands';
export type { FuzzWorld } from './testing/s3-fuzz-values';
export { SeededRandom } from './testing/seeded-random';
