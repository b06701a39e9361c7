/** An S3 error response: the HTTP status and the XML `<Error>` body the AWS SDK parses. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly resource?: string,
  ) {
    super(message);
  }
}

/** What a known S3 operation this server does not implement answers (as S3 does: 501). */
export function notImplemented(what: string, resource?: string): S3Error {
  return new S3Error(
    501,
    'NotImplemented',
    `${what} is not implemented by the embedded S3 server (a development server); use MinIO or AWS S3 for it`,
    resource,
  );
}

export function invalidArgument(message: string, resource?: string): S3Error {
  return new S3Error(400, 'InvalidArgument', message, resource);
}

export function noSuchUpload(resource?: string): S3Error {
  return new S3Error(
    404,
    'NoSuchUpload',
    'the specified multipart upload does not exist: the upload ID may be invalid, or the upload may have been aborted or completed',
    resource,
  );
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(s: string): string {
  // Characters XML 1.0 cannot carry at all (a key may hold them) are dropped, not escaped.
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function errorXml(err: S3Error, requestId: string): string {
  return (
    `${XML_DECLARATION}<Error>` +
    `<Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message>` +
    (err.resource ? `<Resource>${xmlEscape(err.resource)}</Resource>` : '') +
    `<RequestId>${requestId}</RequestId></Error>`
  );
}
