// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { runService } from '@fabflow/platform';
import { shopApi } from './shop-api.definition';

void runService(shopApi);
