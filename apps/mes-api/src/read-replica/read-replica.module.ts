import { Module } from '@nestjs/common';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER } from '@fabflow/platform';
import type { ConfigOf } from '@fabflow/config';
import type { mesConfigSpec } from '../mes.config';
import { ReadReplicas } from './read-replicas';
import { ReadRouter } from './read-router';
import { ReadRoutingMetrics } from './read-routing.metrics';

/** Read replicas of the MES database (DATABASE_REPLICA_URLS) and the routing of reads to them. */
@Module({
  providers: [
    {
      provide: ReadReplicas,
      useFactory: (config: ConfigOf<typeof mesConfigSpec>, logger: Logger) =>
        new ReadReplicas(config.DATABASE_REPLICA_URLS ?? [], logger),
      inject: [APP_CONFIG, LOGGER],
    },
    ReadRoutingMetrics,
    ReadRouter,
  ],
  exports: [ReadRouter],
})
export class ReadReplicaModule {}
