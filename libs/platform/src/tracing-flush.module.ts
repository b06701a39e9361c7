import {
  Global,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { shutdownTracing } from '@fabflow/observability';

@Injectable()
class TracingFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
}

/**
 * Global, so Nest runs its shutdown hook after those of the app's modules: the spans of the last
 * deliveries and relay publishes have ended by then, and are exported before the process exits.
 */
@Global()
@Module({ providers: [TracingFlush] })
class TracingFlushModule {}

@Module({})
class TracedServiceModule {}

/** The app module, plus exporting the spans still batched as the very last step of shutdown. */
export function withTracingFlush(appModule: unknown): DynamicModule {
  return {
    module: TracedServiceModule,
    imports: [appModule as DynamicModule, TracingFlushModule],
  };
}
