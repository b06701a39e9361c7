import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import type { z } from 'zod';
import { ENDPOINT_SCHEMAS, type EndpointSpec } from './endpoint.decorator';

interface MutableRequest {
  body: unknown;
  query: unknown;
  params: unknown;
}

export interface FieldError {
  path: string;
  message: string;
}

/** A 400 that lists every invalid field. */
export class ValidationFailedException extends BadRequestException {
  constructor(
    readonly part: string,
    readonly errors: FieldError[],
  ) {
    super(`invalid ${part}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

function parse(part: string, schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationFailedException(
    part,
    result.error.issues.map((i) => ({
      path: i.path.length > 0 ? i.path.join('.') : '(root)',
      message:
        i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    })),
  );
}

/** Replaces body, query and params with their parsed values before the handler sees them. */
@Injectable()
export class ValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_SCHEMAS, ctx.getHandler());
    if (spec) {
      const req = ctx.switchToHttp().getRequest<MutableRequest>();
      if (spec.params) req.params = parse('path parameters', spec.params, req.params);
      if (spec.query) req.query = parse('query', spec.query, { ...(req.query as object) });
      if (spec.body) req.body = parse('body', spec.body, req.body ?? undefined);
    }
    return next.handle();
  }
}
