import { z } from 'zod';
import { defineConfig, loadConfig, urlFromEnv } from '@fabflow/config';

const spec = defineConfig({
  TEST_PG_URL: {
    schema: urlFromEnv(['postgres:', 'postgresql:']).default(
      'postgres://postgres@127.0.0.1:5432/postgres',
    ),
    description: 'Postgres server the tests create their own databases on.',
  },
  TEST_AMQP_URL: {
    schema: urlFromEnv(['amqp:']).default('amqp://guest:guest@127.0.0.1:5672'),
    description: 'RabbitMQ node the tests create their own vhosts on (no vhost path).',
  },
  TEST_REDIS_URL: {
    schema: urlFromEnv(['redis:']).default('redis://127.0.0.1:6379'),
    description: 'Redis for tests.',
  },
  TEST_RABBITMQ_PROMETHEUS: {
    schema: z.string().default('127.0.0.1:15692'),
    description:
      "host:port of the test broker's Prometheus endpoint (plugin rabbitmq_prometheus; tools/ensure-services.sh enables it).",
  },
  TEST_RABBITMQCTL: {
    schema: z.string().default('rabbitmqctl'),
    description: 'rabbitmqctl command used to create and delete test vhosts.',
  },
});

/** Where the real servers used by integration tests are. */
export const testEnv = loadConfig(spec);
