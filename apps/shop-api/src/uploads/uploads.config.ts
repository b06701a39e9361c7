import { defineConfig, intFromEnv, type ConfigOf } from '@fabflow/config';

const MiB = 1024 ** 2;

/** How the shop hands out large uploads: S3 multipart, with S3's limits on parts. */
export const shopUploadEnv = defineConfig({
  UPLOAD_MULTIPART_THRESHOLD_BYTES: {
    schema: intFromEnv(5 * MiB, 5 * 1024 ** 3).default(64 * MiB),
    description:
      'A file larger than this is uploaded in parts (S3 multipart upload: presigned part PUTs, then complete); up to it, one presigned PUT.',
  },
  UPLOAD_PART_BYTES: {
    schema: intFromEnv(5 * MiB, 5 * 1024 ** 3).default(16 * MiB),
    description:
      'Size of each part of a multipart upload but the last (S3: 5 MiB to 5 GiB; raised when a file would need more than 10 000 parts).',
  },
  UPLOAD_MULTIPART_URL_TTL_SECONDS: {
    schema: intFromEnv(60, 7 * 24 * 3600).default(3600),
    description:
      'Lifetime of the part URLs of a multipart upload (a large file takes longer to send than UPLOAD_URL_TTL_SECONDS).',
  },
});

export type UploadsConfig = ConfigOf<typeof shopUploadEnv>;
