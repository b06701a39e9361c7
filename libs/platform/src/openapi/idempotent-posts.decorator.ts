import {
  applyDecorators,
  SetMetadata,
  UseInterceptors,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { SchemaObject } from '@nestjs/swagger';

export const IDEMPOTENCY_KEY_HEADER = 'fabflow:idempotency-key-header';

/** How the `Idempotency-Key` header of a route's POSTs is declared in the OpenAPI document. */
export interface IdempotencyKeyHeaderSpec {
  required: boolean;
  description: string;
  schema: SchemaObject;
  /** Problem statuses the mechanism itself answers with (a key reused for another body…). */
  problems: number[];
}

/**
 * The POSTs of this controller (or this POST) go through `interceptor`, which honours an
 * `Idempotency-Key` header; the OpenAPI document declares that header, and the problems the
 * interceptor answers with, on each of them. One decorator binds both, so a route cannot have
 * the behaviour without the documentation or the other way round.
 */
export function IdempotentPosts(
  interceptor: Type<NestInterceptor>,
  header: IdempotencyKeyHeaderSpec,
): ClassDecorator & MethodDecorator {
  return applyDecorators(UseInterceptors(interceptor), SetMetadata(IDEMPOTENCY_KEY_HEADER, header));
}
