// First of all: tracing must start before anything requires http, pg or ioredis.
import './tracing';
import { runService } from '@fabflow/platform';
import { crmApi } from './crm-api.definition';

void runService(crmApi);
