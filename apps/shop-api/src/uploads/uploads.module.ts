import { Module } from '@nestjs/common';
import { ModelStorageModule } from '../storage/model-storage.module';
import { MultipartUploads } from './multipart-uploads';
import { UploadMetrics } from './upload-metrics';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

@Module({
  imports: [ModelStorageModule],
  controllers: [UploadsController],
  providers: [UploadsService, UploadsRepository, UploadMetrics, MultipartUploads],
  exports: [UploadsService, UploadsRepository],
})
export class UploadsModule {}
