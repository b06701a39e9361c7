import { describeService, type ServiceApiDocuments } from '@fabflow/platform';
import { mesApi } from './mes-api.definition';

/** The MES's part of docs/api (`npm run api:docs`): its OpenAPI document and its subscriptions. */
export const apiDocuments = (): Promise<ServiceApiDocuments> => describeService(mesApi);
