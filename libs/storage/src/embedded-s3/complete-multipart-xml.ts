import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { S3Error, invalidArgument } from './s3-error';

export interface RequestedPart {
  partNumber: number;
  /** The ETag as the client sent it, quotes removed. */
  etag: string;
}

export const MAX_PART_NUMBER = 10_000;

const malformed = () =>
  new S3Error(
    400,
    'MalformedXML',
    'the XML you provided was not well-formed or did not validate against our published schema',
  );

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Part numbers and ETags stay text: "007" or an all-digit ETag must not become numbers.
  parseTagValue: false,
  isArray: (name) => name === 'Part',
  maxNestedTags: 8,
});

const Part = z.object({
  PartNumber: z.string().regex(/^\d{1,5}$/),
  ETag: z.string().min(1).max(256),
});
const Document = z.object({
  CompleteMultipartUpload: z.object({ Part: z.array(Part).min(1).max(MAX_PART_NUMBER) }),
});

/**
 * The parts list of a CompleteMultipartUpload body
 * (`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…`),
 * or S3's MalformedXML. A document type declaration is refused outright: S3 accepts none,
 * and entities are a way to make a small body expand.
 */
export function parseCompleteMultipartUpload(body: Buffer): RequestedPart[] {
  const text = body.toString('utf8');
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformed();
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    throw malformed();
  }
  const doc = Document.safeParse(parsed);
  if (!doc.success) throw malformed();
  return doc.data.CompleteMultipartUpload.Part.map((p) => {
    const partNumber = Number(p.PartNumber);
    if (partNumber < 1 || partNumber > MAX_PART_NUMBER)
      throw invalidArgument(
        `part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      );
    return { partNumber, etag: p.ETag.trim().replaceAll('"', '') };
  });
}
