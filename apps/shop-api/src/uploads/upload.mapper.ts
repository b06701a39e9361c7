import type { z } from 'zod';
import type { ModelFileView } from '@fabflow/contracts';
import type { ModelFileRow } from './uploads.repository';

export function toModelFileView(f: ModelFileRow): z.infer<typeof ModelFileView> {
  return {
    id: f.id,
    filename: f.filename,
    status: f.status,
    unit: f.unit,
    sizeBytes: f.size_bytes,
    sha256: f.sha256,
    format: f.format,
    createdAt: f.created_at.toISOString(),
    completedAt: f.completed_at?.toISOString() ?? null,
  };
}
