import type { FastifyRequest } from 'fastify';
import type { Principal } from '@fabflow/auth';

/** Whose Idempotency-Keys these are: a key means one request per principal. */
export interface IdempotencyPrincipal {
  kind: 'customer' | 'api-key';
  id: string;
}

export interface IdempotentOptions {
  /** Whether a POST without the header is refused (400), or runs unprotected. */
  required: boolean;
  /** The request's authenticated principal (the guards have run); undefined is a bug. */
  principal(req: FastifyRequest): IdempotencyPrincipal | undefined;
}

/** Route metadata of @Idempotent(). */
export const IDEMPOTENT = 'fabflow:idempotent';

/** What the interceptor leaves on a request whose key it claimed. */
export interface IdempotentRequest {
  idempotency?: { principal: IdempotencyPrincipal; key: string };
}

/** The signed-in customer (a bearer token of the shop). */
export function customerPrincipal(
  req: FastifyRequest & { principal?: Principal },
): IdempotencyPrincipal | undefined {
  return req.principal && { kind: 'customer', id: req.principal.userId };
}
