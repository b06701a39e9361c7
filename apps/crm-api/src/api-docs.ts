import { describeService, type ServiceApiDocuments } from '@fabflow/platform';
import { crmApi } from './crm-api.definition';

/** The CRM's part of docs/api (`npm run api:docs`): its OpenAPI document and its subscriptions. */
export const apiDocuments = (): Promise<ServiceApiDocuments> => describeService(crmApi);
