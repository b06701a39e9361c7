import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles, type Principal } from '@fabflow/auth';
import {
  CompleteUploadRequest,
  CreateUploadRequest,
  IdParam,
  ModelFileView,
  UploadTicket,
} from '@fabflow/contracts';
import { Endpoint } from '@fabflow/platform';
import { toModelFileView } from './upload.mapper';
import { uploadProblem, type UploadRoutes } from './upload.problems';
import { UploadsService } from './uploads.service';

/** The B2C API's words for model files, in its problems. */
export const UPLOAD_ROUTES: UploadRoutes = {
  noun: 'upload',
  create: '/uploads',
  complete: (fileId) => `/uploads/${fileId}/complete`,
};
const refused = (err: unknown): never => {
  throw uploadProblem(err, UPLOAD_ROUTES);
};

@ApiTags('uploads')
@Controller('uploads')
@Roles('customer')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @Endpoint({
    summary:
      'Announce a model file (STL or 3MF): the answer is a presigned PUT for exactly sizeBytes (kind SINGLE), or above UPLOAD_MULTIPART_THRESHOLD_BYTES one presigned PUT per part (kind MULTIPART)',
    body: CreateUploadRequest,
    responses: { 201: UploadTicket },
    problems: [413],
  })
  create(@CurrentUser() user: Principal, @Body() body: z.output<typeof CreateUploadRequest>) {
    return this.uploads.create(user.userId, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Endpoint({
    summary:
      'After the PUT (MULTIPART: after every part, naming each part’s ETag): check the file (size, SHA-256, format) and make it READY for quotes; idempotent',
    params: IdParam,
    body: CompleteUploadRequest,
    responses: { 200: ModelFileView },
    problems: [404, 409, 422],
  })
  async complete(
    @CurrentUser() user: Principal,
    @Param() p: z.output<typeof IdParam>,
    @Body() body: z.output<typeof CompleteUploadRequest>,
  ) {
    return toModelFileView(await this.uploads.complete(p.id, user, body.parts).catch(refused));
  }

  @Get(':id')
  @Endpoint({
    summary: 'One of my model files',
    params: IdParam,
    responses: { 200: ModelFileView },
    problems: [404],
  })
  async get(@CurrentUser() user: Principal, @Param() p: z.output<typeof IdParam>) {
    return toModelFileView(await this.uploads.get(p.id, user).catch(refused));
  }
}
