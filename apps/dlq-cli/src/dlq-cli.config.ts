import { commonEnv, defineConfig } from '@fabflow/config';

export const dlqCliConfigSpec = defineConfig({ AMQP_URLS: commonEnv.AMQP_URLS });
