import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MultipartStore } from './multipart-store';
import type { ObjectStore } from './object-store';
import type { AuthResult } from './request-auth';
import type { S3Address } from './s3-request';
import { S3_XMLNS, XML_DECLARATION, xmlEscape } from './s3-error';

/** One authenticated request on its way to the handler of its operation. */
export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  address: S3Address;
  /** Set for bucket and object operations (the handler's bucket exists, but CreateBucket's). */
  bucket: string;
  /** Set for object operations. */
  key: string;
  auth: AuthResult;
  objects: ObjectStore;
  uploads: MultipartStore;
  /** Largest object (and so largest part) accepted. */
  maxObjectBytes: number;
}

export type S3Handler = (ctx: S3Context) => Promise<void>;

/** A request header as one string (repeated headers joined, as SigV4 joins them). */
export function headerOf(ctx: Pick<S3Context, 'req'>, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Answers 200 with an S3 XML document whose root element is `root`. */
export function sendXml(res: ServerResponse, root: string, inner: string): void {
  res.setHeader('content-type', 'application/xml');
  res.end(`${XML_DECLARATION}<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`);
}

/** `<Name>value</Name>` with the value escaped; nothing for undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** The object's address as S3 names it in errors. */
export function resourceOf(ctx: Pick<S3Context, 'bucket' | 'key'>): string {
  return ctx.key ? `/${ctx.bucket}/${ctx.key}` : `/${ctx.bucket}`;
}
