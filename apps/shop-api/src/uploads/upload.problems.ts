import { ConflictException, NotFoundException } from '@nestjs/common';
import { UploadRefused } from './upload.errors';

/** The words and routes of the API a model file is handled through (B2C or B2B). */
export interface UploadRoutes {
  /** What the API calls a model file. */
  noun: 'upload' | 'model';
  /** Where a new one is announced. */
  create: string;
  complete(fileId: string): string;
}

/** An UploadRefused as the HTTP problem of one API; any other error as it is. */
export function uploadProblem(err: unknown, routes: UploadRoutes): unknown {
  if (!(err instanceof UploadRefused)) return err;
  const r = err.refusal;
  const file = `${routes.noun} ${r.fileId}`;
  switch (r.reason) {
    case 'not-found':
      return new NotFoundException(`${file} not found`);
    case 'no-file-yet':
      return new ConflictException(
        `${file} has no file yet: PUT the file to its uploadUrl first, then complete it ` +
          `(an expired URL needs a new ${routes.noun}: POST ${routes.create})`,
      );
    case 'file-gone':
      return new ConflictException(`${file} has no file any more: upload it again`);
    case 'parts-discarded':
      return new ConflictException(
        `${file} can no longer be completed (its parts were discarded): start a new ${routes.noun} (POST ${routes.create})`,
      );
  }
}
