import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
  listObjects,
  listObjectsV2,
} from './bucket-handlers';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
  uploadPart,
} from './multipart-handlers';
import type { MultipartStore } from './multipart-store';
import { deleteObject, getObject, putObject } from './object-handlers';
import { ObjectStore } from './object-store';
import { authenticate, type Credentials } from './request-auth';
import type { S3Handler } from './s3-context';
import { S3Error, notImplemented } from './s3-error';
import { operationOf } from './s3-operations';
import { parseAddress } from './s3-request';

/** The operations this server implements; every other S3 operation answers 501 NotImplemented. */
const HANDLERS: Partial<Record<string, S3Handler>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: getObject,
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
};

export const IMPLEMENTED_OPERATIONS = Object.keys(HANDLERS);

export interface RouterDeps {
  credentials: Credentials;
  objects: ObjectStore;
  uploads: MultipartStore;
  maxObjectBytes: number;
}

/** Answers a CORS preflight: the presigned URL itself is the authorisation of the upload. */
function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-methods', 'GET, PUT, POST, HEAD, DELETE');
  res.setHeader(
    'access-control-allow-headers',
    req.headers['access-control-request-headers'] ?? '*',
  );
  res.setHeader('access-control-max-age', '600');
  res.end();
}

/**
 * Authenticates a request, finds its S3 operation and runs that operation's handler. Throws
 * the S3Error S3 would answer with (InvalidURI, AccessDenied, SignatureDoesNotMatch,
 * MethodNotAllowed, NotImplemented, InvalidBucketName, NoSuchBucket, …).
 */
export async function route(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RouterDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return preflight(req, res);
  const address = parseAddress(req.url ?? '/');
  const auth = authenticate(
    { method, path: address.rawPath, query: address.query, headers: req.headers },
    deps.credentials,
  );
  const { bucket, key } = address;
  const resource =
    bucket === undefined ? '/' : key === undefined ? `/${bucket}` : `/${bucket}/${key}`;
  const target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  const operation = operationOf(method, target, address.params, req.headers);
  if (!operation)
    throw new S3Error(
      405,
      'MethodNotAllowed',
      `the specified method (${method.slice(0, 32)}) is not allowed against this resource`,
      resource,
    );
  const handler = HANDLERS[operation];
  if (!handler) throw notImplemented(operation, resource);
  if (bucket !== undefined) {
    if (!ObjectStore.validBucketName(bucket))
      throw new S3Error(400, 'InvalidBucketName', 'the specified bucket is not valid', resource);
    if (operation !== 'CreateBucket' && !(await deps.objects.bucketExists(bucket)))
      throw new S3Error(404, 'NoSuchBucket', 'the specified bucket does not exist', `/${bucket}`);
  }
  await handler({
    req,
    res,
    address,
    bucket: bucket ?? '',
    key: key ?? '',
    auth,
    objects: deps.objects,
    uploads: deps.uploads,
    maxObjectBytes: deps.maxObjectBytes,
  });
}
