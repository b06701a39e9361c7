import { describeService, type ServiceApiDocuments } from '@fabflow/platform';
import type { AsyncApiDocument } from '@fabflow/messaging';
import { webhooksAsyncApi } from './notifications/webhooks/webhooks.asyncapi';
import { shopApi } from './shop-api.definition';

/**
 * The shop's part of docs/api (written by `npm run api:docs`, compared by its test): the
 * OpenAPI document, the subscriptions on the bus, the AsyncAPI document of the B2B webhooks.
 */
export async function apiDocuments(): Promise<
  ServiceApiDocuments & { asyncapi: Record<string, AsyncApiDocument> }
> {
  return { ...(await describeService(shopApi)), asyncapi: { webhooks: webhooksAsyncApi() } };
}
