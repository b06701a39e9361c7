import { z } from 'zod';
import { defineConfig } from './define-config';
import { boolFromEnv, intFromEnv, urlFromEnv } from './env-types';

/** Where the embedded development S3 server listens when `npm start` runs it. */
export const EMBEDDED_S3_DEFAULT_ENDPOINT = 'http://127.0.0.1:4569';

/** Object storage (S3 or compatible) for uploaded model files; shop and pricing worker. */
export const storageEnv = defineConfig({
  S3_ENDPOINT: {
    schema: urlFromEnv(['http:', 'https:']).default(EMBEDDED_S3_DEFAULT_ENDPOINT),
    description:
      'S3-compatible endpoint (MinIO, AWS S3). The default is the embedded server `npm start` runs when S3_ENDPOINT is not set.',
  },
  S3_REGION: { schema: z.string().min(1).default('us-east-1'), description: 'S3 region.' },
  S3_BUCKET: {
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name' })
      .default('fabflow-models'),
    description: 'Bucket of the uploaded model files (created if missing).',
  },
  S3_ACCESS_KEY_ID: {
    schema: z.string().min(1).default('fabflow-dev'),
    description: 'S3 access key id.',
    sensitive: true,
  },
  S3_SECRET_ACCESS_KEY: {
    schema: z.string().min(8).default('fabflow-dev-secret-key'),
    description: 'S3 secret access key.',
    sensitive: true,
  },
  S3_FORCE_PATH_STYLE: {
    schema: boolFromEnv.default(true),
    description: 'Path-style bucket addressing (MinIO and the embedded server need it).',
  },
  UPLOAD_MAX_BYTES: {
    schema: intFromEnv(1024, 5 * 1024 ** 3).default(256 * 1024 ** 2),
    description: 'Largest model file a customer may upload.',
  },
  UPLOAD_URL_TTL_SECONDS: {
    schema: intFromEnv(10, 3600).default(300),
    description: 'Lifetime of a presigned upload URL.',
  },
});
