import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Controller,
  Get,
  Module,
  Post,
  UnauthorizedException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ParameterObject } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, AuthScheme, InvalidTokenError, Public, Roles } from '@fabflow/auth';
import { Endpoint } from '../endpoint.decorator';
import { IdempotentPosts } from './idempotent-posts.decorator';
import { BEARER, createOpenApiDocument } from './openapi-document';

class PassThrough implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

@Controller('open')
class OpenController {
  @Public()
  @Get()
  @Endpoint({ summary: 'Open', responses: { 200: z.object({ ok: z.boolean() }) } })
  read() {}
}

@Controller('staff')
@Roles('manager')
class StaffController {
  @Get()
  list() {}

  @Public()
  @Get('ping')
  ping() {}
}

@Controller('me')
class MeController {
  @Get()
  me() {}
}

@Controller('partner')
@AuthScheme('api-key')
@IdempotentPosts(PassThrough, {
  required: true,
  description: 'Same key, same answer',
  schema: { type: 'string', maxLength: 64 },
  problems: [409, 422],
})
class PartnerController {
  @Get()
  read() {}

  @Post()
  write() {}
}

const CONTROLLERS = { OpenController, StaffController, MeController, PartnerController };

@Module({ controllers: Object.values(CONTROLLERS) })
class RoutesModule {}

const API_KEY = { type: 'apiKey', in: 'header', name: 'X-Key' } as const;

describe('the OpenAPI document states what the route decorators make the server do', () => {
  let app: NestFastifyApplication;
  let doc: OpenAPIObject;
  const op = (path: string, method: 'get' | 'post'): OperationObject => {
    const o = doc.paths[path]?.[method];
    assert.ok(o, `${method} ${path} documented`);
    return o;
  };
  const statuses = (o: OperationObject) => Object.keys(o.responses);

  before(async () => {
    app = await NestFactory.create<NestFastifyApplication>(RoutesModule, new FastifyAdapter(), {
      preview: true,
      logger: false,
    });
    doc = createOpenApiDocument(app, {
      title: 'Test API',
      description: 'routes',
      securitySchemes: { 'api-key': API_KEY },
    });
  });
  after(() => app?.close());

  it('public routes have `security: []` and no 401/403, even inside a role-restricted controller', () => {
    for (const o of [op('/open', 'get'), op('/staff/ping', 'get')]) {
      assert.deepEqual(o.security, []);
      assert.ok(!statuses(o).includes('401') && !statuses(o).includes('403'));
    }
  });

  it('token routes need the bearer scheme: 401 always, 403 and the roles when @Roles restricts them', () => {
    const staff = op('/staff', 'get');
    assert.deepEqual(staff.security, [{ bearer: [] }]);
    assert.deepEqual(statuses(staff), ['200', '401', '403', '503']);
    assert.match(staff.description ?? '', /Roles: manager, admin\./);
    const me = op('/me', 'get');
    assert.deepEqual(me.security, [{ bearer: [] }]);
    assert.deepEqual(statuses(me), ['200', '401', '503']);
  });

  it('@AuthScheme routes need their own scheme (never the bearer one), with 401 and 403', () => {
    for (const o of [op('/partner', 'get'), op('/partner', 'post')]) {
      assert.deepEqual(o.security, [{ 'api-key': [] }]);
      assert.ok(statuses(o).includes('401') && statuses(o).includes('403'));
    }
    assert.deepEqual(doc.components?.securitySchemes, {
      'api-key': API_KEY,
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: BEARER.description,
      },
    });
  });

  it('POSTs under @IdempotentPosts declare the Idempotency-Key header and its problems; GETs do not', () => {
    const header = (o: OperationObject) =>
      ((o.parameters ?? []) as ParameterObject[]).find((p) => p.name === 'Idempotency-Key');
    assert.deepEqual(header(op('/partner', 'post')), {
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Same key, same answer',
      schema: { type: 'string', maxLength: 64 },
    });
    assert.ok(statuses(op('/partner', 'post')).includes('409'));
    assert.ok(statuses(op('/partner', 'post')).includes('422'));
    assert.equal(header(op('/partner', 'get')), undefined);
  });

  it('problems are application/problem+json of the one Problem schema', () => {
    const bad = op('/open', 'get').responses['400'] as { content: Record<string, unknown> };
    assert.deepEqual(bad.content, {
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    assert.ok(doc.components?.schemas?.Problem);
  });

  it('the guard lets through exactly the operations documented without security', async () => {
    const nobody = { verify: () => Promise.reject(new InvalidTokenError('no token is valid')) };
    const guard = new AuthGuard(nobody, new Reflector());
    for (const [path, item] of Object.entries(doc.paths))
      for (const o of [item.get, item.post].filter((x) => x !== undefined)) {
        const [name, method] = o.operationId!.split('_') as [keyof typeof CONTROLLERS, string];
        const controller = CONTROLLERS[name];
        const ctx = {
          getHandler: () => (controller.prototype as unknown as Record<string, () => void>)[method],
          getClass: () => controller,
          switchToHttp: () => ({ getRequest: () => ({ headers: {} }) }),
        } as unknown as ExecutionContext;
        const open = o.security?.length === 0;
        if (open) assert.equal(await guard.canActivate(ctx), true, `${path} is public`);
        else
          await assert.rejects(
            async () => guard.canActivate(ctx),
            UnauthorizedException,
            `${path} needs credentials`,
          );
      }
  });

  it('refuses to document a route whose scheme has no security scheme', async () => {
    await assert.rejects(async () => {
      const bare = await NestFactory.create(RoutesModule, new FastifyAdapter(), {
        preview: true,
        logger: false,
      });
      try {
        createOpenApiDocument(bare, { title: 'T', description: 'd' });
      } finally {
        await bare.close();
      }
    }, /auth scheme "api-key", which is not documented/);
  });
});
