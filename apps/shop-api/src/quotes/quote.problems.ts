import {
  ConflictException,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { UploadRoutes } from '../uploads/upload.problems';
import { QuoteRequestRefused } from './quote.errors';

/** The routes of the API quotes are asked and ordered through (B2C or B2B). */
export interface QuoteRoutes {
  files: UploadRoutes;
  materials: string;
  quotes: string;
  quote(quoteId: string): string;
}

/** A QuoteRequestRefused as the HTTP problem of one API; any other error as it is. */
export function quoteRequestProblem(err: unknown, routes: QuoteRoutes): unknown {
  if (!(err instanceof QuoteRequestRefused)) return err;
  const r = err.refusal;
  switch (r.reason) {
    case 'file-not-found':
      return new NotFoundException(`${routes.files.noun} ${r.fileId} not found`);
    case 'file-not-complete':
      return new ConflictException(
        `${routes.files.noun} ${r.fileId} is not complete: PUT the file, then POST ${routes.files.complete(r.fileId)}`,
      );
    case 'prices-unavailable':
      return new ServiceUnavailableException(
        'prices are not available yet (no price list has arrived from production); retry shortly',
      );
    case 'unknown-material':
      return new UnprocessableEntityException(
        `unknown material "${r.materialId}"; valid materials: ${r.materials.join(', ')} (GET ${routes.materials})`,
      );
    case 'lead-time-not-offered':
      return new UnprocessableEntityException(
        `lead time ${r.leadTime} is not offered; valid lead times: ${r.leadTimes.join(', ')}`,
      );
    case 'key-already-used':
      return new ConflictException(
        `this Idempotency-Key already asked for ${r.quoteId ? `quote ${r.quoteId} (GET ${routes.quote(r.quoteId)})` : 'a quote'}; use a new key for a new request`,
      );
  }
}
