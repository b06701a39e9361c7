import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IllegalTransitionError, type Problem } from '@fabflow/contracts';
import { isTransientDbError } from '@fabflow/db';
import type { Logger } from '@fabflow/observability';
import { ValidationFailedException } from './validation.interceptor';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An HTTP error with its own problem type and extension members (RFC 9457 §3), for example
 * a 429 of type `…#quota-exceeded` with `violated-policies`.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    detail: string,
    readonly problemType: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }
}

/** Turns any error into an RFC 9457 problem; an unexpected one is logged and hidden. */
export function toProblem(err: unknown, instance: string, logger: Logger): Problem {
  if (err instanceof ProblemException) {
    const status = err.getStatus();
    return {
      ...err.extensions,
      type: err.problemType,
      title: TITLES[status] ?? 'Error',
      status,
      detail: err.message,
      instance,
    };
  }
  if (err instanceof IllegalTransitionError) {
    return {
      type: 'https://fabflow.dev/problems/illegal-transition',
      title: 'Conflict',
      status: 409,
      detail: err.message,
      instance,
      allowed: err.allowed.map(String),
    };
  }
  if (err instanceof ValidationFailedException) {
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: err.message,
      instance,
      errors: err.errors,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message)
      ? message.join('; ')
      : typeof message === 'string'
        ? message
        : err.message;
    return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, instance };
  }
  // Fastify's own errors (malformed JSON, body too large, wrong content type) carry a 4xx code.
  const fastifyStatus = (err as { statusCode?: number }).statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      type: 'about:blank',
      title: TITLES[fastifyStatus] ?? 'Bad Request',
      status: fastifyStatus,
      detail: (err as Error).message,
      instance,
    };
  }
  if (isTransientDbError(err)) {
    logger.warn({ err: (err as Error).message }, 'database unavailable');
    return {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'the database is briefly unavailable; retry shortly',
      instance,
    };
  }
  logger.error({ err }, 'unhandled error');
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'an unexpected error occurred',
    instance,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  // A 503 is an outage the client should wait out, not a failure of its request; whoever
  // refused may know better how long (a token issuer's JWKS out of reach).
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', '1');
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json')
    .send(problem);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    sendProblem(http.getResponse<FastifyReply>(), toProblem(err, req.url, this.logger));
  }
}
