// The embedded S3-compatible server as its own process: `npm start` runs it when S3_ENDPOINT is
// not set, so the shop and the pricing worker share one object store in development.
import { resolve } from 'node:path';
import { z } from 'zod';
import { commonEnv, defineConfig, intFromEnv, loadConfigOrExit, storageEnv } from '@fabflow/config';
import { EmbeddedS3Server } from './embedded-s3-server';

const { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, UPLOAD_MAX_BYTES } = storageEnv;
const spec = defineConfig({
  NODE_ENV: commonEnv.NODE_ENV,
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  UPLOAD_MAX_BYTES,
  EMBEDDED_S3_PORT: {
    schema: intFromEnv(0, 65535).default(4569),
    description: 'Port of the embedded S3 server.',
  },
  EMBEDDED_S3_DIR: {
    schema: z.string().min(1).default('.data/s3'),
    description: 'Directory where the embedded S3 server keeps its objects.',
  },
});

async function main() {
  const config = loadConfigOrExit(spec, 'embedded S3 server');
  // One key pair, objects on one local disk, no replication: never a production store.
  if (config.NODE_ENV === 'production') {
    process.stderr.write(
      'embedded S3 server refuses to start with NODE_ENV=production: it is a development server; set S3_ENDPOINT to MinIO or AWS S3 instead\n',
    );
    process.exit(1);
  }
  const server = await EmbeddedS3Server.start({
    dir: resolve(config.EMBEDDED_S3_DIR),
    port: config.EMBEDDED_S3_PORT,
    credentials: {
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    },
    maxObjectBytes: config.UPLOAD_MAX_BYTES,
  });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'embedded S3 server listening', endpoint: server.endpoint, dir: config.EMBEDDED_S3_DIR })}\n`,
  );
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`embedded S3 server failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
