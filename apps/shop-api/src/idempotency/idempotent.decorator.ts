import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { IdempotentPosts } from '@fabflow/platform';
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
 * (the B2B API's, with the key required and scoped to the API key). `IdempotentPosts` binds the
 * interceptor and the header's OpenAPI declaration together, so neither goes without the other.
 */
export function Idempotent(options: Partial<IdempotentOptions> = {}) {
  const resolved: IdempotentOptions = {
    required: options.required ?? false,
    principal: options.principal ?? customerPrincipal,
  };
  return applyDecorators(
    SetMetadata(IDEMPOTENT, resolved),
    IdempotentPosts(IdempotencyInterceptor, {
      required: resolved.required,
      description: `A key unique to this request (a UUID, say)${resolved.required ? '' : ', optional'}, kept 24 hours by default: a retry with the same key and body gets the first response again (\`Idempotent-Replayed: true\`); the same key with another body is a 422, and a retry while the first is still running a 409 with Retry-After.`,
      schema: { type: 'string', minLength: 1, maxLength: 257 },
      problems: [409, 422],
    }),
  );
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
