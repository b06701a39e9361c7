import type { ObjectStorage } from '@fabflow/storage';
import { PricingJobRejected } from './pricing-job-rejected';

/**
 * Streams an object from S3 straight into one ArrayBuffer of the size the shop recorded, so the
 * main thread never concatenates a large file (a 100 MB copy blocks the event loop for tens of
 * milliseconds) and the buffer can be transferred to the calculation thread as it is. An object
 * that is not the recorded size was replaced after the upload: it is refused.
 */
export async function readModelFile(
  storage: ObjectStorage,
  key: string,
  sizeBytes: number,
  maxBytes: number,
): Promise<ArrayBuffer | undefined> {
  const body = await storage.stream(key);
  if (!body) return undefined;
  const buffer = new ArrayBuffer(sizeBytes);
  const view = new Uint8Array(buffer);
  let offset = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (offset + chunk.length > sizeBytes || offset + chunk.length > maxBytes) {
      body.destroy();
      throw changedFile();
    }
    view.set(chunk, offset);
    offset += chunk.length;
  }
  if (offset !== sizeBytes) throw changedFile();
  return buffer;
}

const changedFile = () =>
  new PricingJobRejected(
    'FILE_CHANGED',
    'The stored model file is not the one that was uploaded (its size changed). Upload it again and request a new quote.',
  );
