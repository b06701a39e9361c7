import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import type { ShopConfig } from '../shop.config';
import { ModelStorage } from './model-storage';

const RETRY_MS = 5000;

/**
 * Makes sure the model bucket exists once the app is up (several instances may try at once;
 * that is safe). An unreachable S3 does not keep the shop from starting, since orders and
 * everything else work without it: the check is retried in the background until it succeeds.
 */
@Injectable()
export class ModelStorageLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly storage: ModelStorage,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureBucket();
  }

  private async ensureBucket(attempt = 1): Promise<void> {
    try {
      await this.storage.ensureBucket();
      if (attempt > 1) this.logger.info({ bucket: this.storage.bucket }, 'model bucket ready');
    } catch (err) {
      if (attempt === 1 || attempt % 12 === 0)
        this.logger.warn(
          { err: (err as Error).message, bucket: this.storage.bucket, attempt },
          'object storage unreachable; uploads fail until it is back (retrying)',
        );
      if (this.stopped) return;
      this.retry = setTimeout(() => void this.ensureBucket(attempt + 1), RETRY_MS);
      this.retry.unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.storage.close();
  }
}

/** Object storage for model files: one `ModelStorage` for the whole shop. */
@Module({
  providers: [
    {
      provide: ModelStorage,
      useFactory: (config: ShopConfig) => new ModelStorage(config),
      inject: [APP_CONFIG],
    },
    ModelStorageLifecycle,
  ],
  exports: [ModelStorage],
})
export class ModelStorageModule {}
