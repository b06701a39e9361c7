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

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export function errorXml(err: S3Error, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>` +
    (err.resource ? `<Resource>${xmlEscape(err.resource)}</Resource>` : '') +
    `<RequestId>${requestId}</RequestId></Error>`
  );
}
