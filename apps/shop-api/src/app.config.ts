import { defineConfig, type ConfigOf } from '@fabflow/config';
import { shopB2bEnv } from './b2b/b2b.config';
import { shopConfigSpec } from './shop.config';
import { shopUploadEnv } from './uploads/uploads.config';

/**
 * The whole shop service's configuration: the shop's own (which its modules read, and which
 * knows nothing of the B2B API), the uploads' (multipart) and the B2B API's on top of it, like
 * AppModule.
 */
export const appConfigSpec = defineConfig({ ...shopConfigSpec, ...shopUploadEnv, ...shopB2bEnv });

export type AppConfig = ConfigOf<typeof appConfigSpec>;
