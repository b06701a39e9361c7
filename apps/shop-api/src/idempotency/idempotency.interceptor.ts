import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { Logger } from '@fabflow/observability';
import { APP_CONFIG, LOGGER, toProblem } from '@fabflow/platform';
import { parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { IDEMPOTENT, type IdempotentOptions, type IdempotentRequest } from './idempotency-options';
import type { IdempotencyConfig } from './idempotency.config';
import {
  IdempotencyRepository,
  type Claim,
  type IdempotencyRecord,
} from './idempotency.repository';

/** Response headers stored with the body and replayed with it. */
const KEPT_HEADERS = ['content-type', 'location'];
export const REPLAYED_HEADER = 'idempotent-replayed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function asResponse(status: number, headers: Record<string, string>, body: Buffer): Response {
  return new Response(status === 204 || body.length === 0 ? null : new Uint8Array(body), {
    status,
    headers,
  });
}

/**
 * `Idempotency-Key` on the POSTs of a route declared @Idempotent()
 * (draft-ietf-httpapi-idempotency-key-header): required there or optional, scoped to the
 * request's principal (a customer, an API key), kept IDEMPOTENCY_TTL_HOURS. The first request
 * claims the key with one atomic INSERT … ON CONFLICT; its response (status, content type,
 * location, body bytes) is stored, and every later request with the key gets exactly those
 * bytes back with `Idempotent-Replayed: true`. The same key with another method, path or body
 * is a 422. A retry arriving while the first is still running waits for it (up to
 * IDEMPOTENCY_INFLIGHT_WAIT_MS), then gets 409 with Retry-After. A 5xx or a 429 (a daily quota
 * used up) gives the key back: nothing was decided, and the retry must run again.
 * 4xx answers of the handler are stored like successes: the request was decided.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: IdempotencyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & IdempotentRequest>();
    if (req.method !== 'POST') return next.handle();
    const options = this.reflector.getAllAndOverride<IdempotentOptions | undefined>(IDEMPOTENT, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!options) throw new Error('IdempotencyInterceptor runs only on @Idempotent() routes');
    const header = req.headers['idempotency-key'];
    if (!options.required && (header === undefined || header === '')) return next.handle();
    const parsed = parseIdempotencyKey(header);
    if (!parsed.ok) throw new BadRequestException(parsed.reason);
    const principal = options.principal(req);
    if (!principal) throw new Error('an idempotent POST needs an authenticated principal');
    req.idempotency = { principal, key: parsed.key };
    const claim: Claim = {
      scope: `${principal.kind}:${principal.id}`,
      key: parsed.key,
      fingerprint: requestFingerprint(req.method, req.url, req.body),
      method: req.method,
      path: req.url,
      ttlMs: this.config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
      leaseMs: this.config.IDEMPOTENCY_LEASE_MS,
    };
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const earlier = await this.acquire(claim, reply);
    if (earlier) return of(earlier);
    return next.handle().pipe(
      mergeMap((result: unknown) => from(this.succeeded(claim, reply, result))),
      catchError((err: unknown) => from(this.failed(claim, req, err))),
    );
  }

  /** undefined: this request holds the claim; otherwise the answer from the earlier one. */
  private async acquire(c: Claim, reply: FastifyReply): Promise<Response | undefined> {
    const deadline = Date.now() + this.config.IDEMPOTENCY_INFLIGHT_WAIT_MS;
    for (let wait = 10; ; wait = Math.min(wait * 2, 100)) {
      if (await this.repo.claim(c)) return undefined;
      const record = await this.repo.find(c.scope, c.key);
      if (!record) continue; // released after a 5xx a moment ago: claim it again
      if (record.fingerprint !== c.fingerprint)
        throw new UnprocessableEntityException(
          `this Idempotency-Key was already used with a different request body: it was used for another request (${record.method} ${record.path}); use a new key for a new request`,
        );
      if (record.status === 'COMPLETE') return this.replay(record);
      if (Date.now() >= deadline) {
        void reply.header('retry-after', '1');
        throw new ConflictException(
          'a request with this Idempotency-Key is still being processed; retry shortly',
        );
      }
      await sleep(wait);
    }
  }

  private replay(r: IdempotencyRecord): Response {
    return asResponse(
      r.response_status ?? 200,
      { ...(r.response_headers ?? {}), [REPLAYED_HEADER]: 'true' },
      r.response_body ?? Buffer.alloc(0),
    );
  }

  private async succeeded(c: Claim, reply: FastifyReply, result: unknown): Promise<Response> {
    const body = result === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(result));
    const headers: Record<string, string> = {};
    if (body.length > 0) headers['content-type'] = 'application/json; charset=utf-8';
    for (const name of KEPT_HEADERS) {
      const v = reply.getHeader(name);
      if (typeof v === 'string' && name !== 'content-type') headers[name] = v;
    }
    const stored = { status: reply.statusCode, headers, body };
    await this.repo.complete(c.scope, c.key, stored);
    return asResponse(stored.status, headers, body);
  }

  private async failed(c: Claim, req: FastifyRequest, err: unknown): Promise<Response> {
    const problem = toProblem(err, req.url, this.logger);
    // A 5xx, or a 429 (a daily quota used up), decided nothing: the key is free for the retry.
    if (problem.status >= 500 || problem.status === 429) {
      await this.release(c);
      throw err;
    }
    const headers = { 'content-type': 'application/problem+json' };
    const body = Buffer.from(JSON.stringify(problem));
    await this.repo.complete(c.scope, c.key, { status: problem.status, headers, body });
    return asResponse(problem.status, headers, body);
  }

  /**
   * Gives the key back. When the database is what failed, the release fails too: it is retried
   * in the background (with backoff, for at most the lease) rather than left for the lease to
   * expire, so the client's retry finds the key free within moments of the database's return.
   */
  private async release(c: Claim): Promise<void> {
    try {
      await this.repo.release(c.scope, c.key);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'idempotency: the key could not be released; retrying in the background',
      );
      void this.releaseLater(c, Date.now() + this.config.IDEMPOTENCY_LEASE_MS);
    }
  }

  private async releaseLater(c: Claim, until: number): Promise<void> {
    for (let wait = 100; Date.now() + wait < until; wait = Math.min(wait * 2, 2000)) {
      await sleep(wait);
      try {
        await this.repo.release(c.scope, c.key);
        return;
      } catch {
        /* the database is still away: try again */
      }
    }
  }
}
