import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  UseInterceptors,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import {
  customerPrincipal,
  IDEMPOTENT,
  type IdempotentOptions,
  type IdempotentRequest,
} from './idempotency-options';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Makes a route's POST idempotent: a retry with the same `Idempotency-Key` gets the stored
 * first answer back, byte for byte (see IdempotencyInterceptor). By default the key is optional
 * and scoped to the signed-in customer. On a controller class it covers the class's every POST
 * (the B2B API's, with the key required and scoped to the API key); on a method it also
 * documents the header.
 */
export function Idempotent(options: Partial<IdempotentOptions> = {}) {
  const resolved: IdempotentOptions = {
    required: options.required ?? false,
    principal: options.principal ?? customerPrincipal,
  };
  const apply = applyDecorators(
    SetMetadata(IDEMPOTENT, resolved),
    UseInterceptors(IdempotencyInterceptor),
  );
  const header = ApiHeader({
    name: 'Idempotency-Key',
    required: resolved.required,
    description:
      'A retry with the same key gets the first answer back, byte for byte, with Idempotent-Replayed: true; the same key with another body is a 422.',
  });
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key === undefined || descriptor === undefined) return apply(target);
    apply(target, key, descriptor);
    header(target, key, descriptor);
  };
}

/**
 * The claimed key scoped to its principal (`<principal id>:<Idempotency-Key>`), for a
 * business row's own unique index; undefined when the request carries no key.
 */
export const ScopedIdempotencyKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const claimed = ctx.switchToHttp().getRequest<IdempotentRequest>().idempotency;
    return claimed && `${claimed.principal.id}:${claimed.key}`;
  },
);
