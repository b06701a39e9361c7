import { Body, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import {
  B2bModelTicket,
  CompleteUploadRequest,
  CreateUploadRequest,
  IdParam,
  ModelFileView,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toModelFileView } from '../../uploads/upload.mapper';
import { uploadProblem, type UploadRoutes } from '../../uploads/upload.problems';
import { UploadsService } from '../../uploads/uploads.service';
import {
  B2bController,
  CurrentApiKey,
  RequireScope,
  type B2bPrincipal,
} from '../keys/b2b-principal';

const MODEL_ID = '0193a5c2-1b00-7000-8000-00000000f11e';
const MODEL_EXAMPLE = {
  id: MODEL_ID,
  filename: 'bracket.stl',
  status: 'READY',
  unit: 'mm',
  sizeBytes: 684,
  sha256: '5d41402abc4b2a76b9719d911017c592ae8f1d2c1b8f1c0a7e4e6f3a2b1c0d9e',
  format: 'STL_BINARY',
  createdAt: '2026-12-03T09:10:00.000Z',
  completedAt: '2026-12-03T09:10:02.000Z',
};

/** The B2B API's words for model files, in its problems. */
export const B2B_MODEL_ROUTES: UploadRoutes = {
  noun: 'model',
  create: '/b2b/v1/models',
  complete: (modelId) => `/b2b/v1/models/${modelId}/complete`,
};
const refused = (err: unknown): never => {
  throw uploadProblem(err, B2B_MODEL_ROUTES);
};

/** Model files of the organisation: a presigned PUT straight to object storage, then complete. */
@B2bController('models')
export class B2bModelsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @RequireScope('models:write')
  @Endpoint({
    summary:
      'Announce a model file (STL or 3MF): the answer is a presigned PUT for exactly sizeBytes (kind SINGLE), or one per part above the multipart threshold (kind MULTIPART); PUT the bytes there, then POST completeUrl (Idempotency-Key required)',
    body: CreateUploadRequest,
    responses: { 201: B2bModelTicket },
    problems: [413, 429],
    example: { filename: 'bracket.stl', sizeBytes: 684, unit: 'mm' },
    responseExamples: {
      201: {
        modelId: MODEL_ID,
        kind: 'SINGLE',
        uploadUrl: `https://s3.fabflow.example/fabflow-models/models/0193a5c0-7f00-7000-8000-00000000b2b1/${MODEL_ID}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=5d1c0e7a9b3f`,
        method: 'PUT',
        headers: { 'content-length': '684' },
        expiresAt: '2026-12-03T09:25:00.000Z',
        maxBytes: 209715200,
        completeUrl: `/b2b/v1/models/${MODEL_ID}/complete`,
      },
    },
  })
  async create(
    @CurrentApiKey() p: B2bPrincipal,
    @Body() body: z.output<typeof CreateUploadRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof B2bModelTicket>> {
    const { fileId, ...ticket } = await this.uploads.create(p.organisation.id, body);
    void reply.header('location', `/b2b/v1/models/${fileId}`);
    return { modelId: fileId, ...ticket, completeUrl: B2B_MODEL_ROUTES.complete(fileId) };
  }

  @Post(':id/complete')
  @HttpCode(200)
  @RequireScope('models:write')
  @Endpoint({
    summary:
      'After the PUT (MULTIPART: after every part, naming each part’s ETag): check the file (size, SHA-256, format) and make it READY for quotes (Idempotency-Key required)',
    params: IdParam,
    body: CompleteUploadRequest,
    responses: { 200: ModelFileView },
    problems: [404, 409, 422, 429],
    responseExamples: { 200: MODEL_EXAMPLE },
  })
  async complete(
    @CurrentApiKey() p: B2bPrincipal,
    @Param() params: z.output<typeof IdParam>,
    @Body() body: z.output<typeof CompleteUploadRequest>,
  ) {
    const file = await this.uploads
      .completeOwned(params.id, p.organisation.id, body.parts)
      .catch(refused);
    return toModelFileView(file);
  }

  @Get(':id')
  @Endpoint({
    summary: "One of the organisation's model files",
    params: IdParam,
    responses: { 200: ModelFileView },
    problems: [404, 429],
    responseExamples: { 200: MODEL_EXAMPLE },
  })
  async get(@CurrentApiKey() p: B2bPrincipal, @Param() params: z.output<typeof IdParam>) {
    return toModelFileView(
      await this.uploads.getOwned(params.id, p.organisation.id).catch(refused),
    );
  }
}
