import { fromBase64, toBase64 } from './base64';

/** One block of an RFC 7468 textual encoding ("-----BEGIN LABEL-----"). */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

export class PemError extends Error {
  override name = 'PemError';
}

/**
 * Reads every PEM block in `text`, in order. Text between blocks is ignored (RFC 7468 §2 allows
 * explanatory text), but a block that is not closed, or whose body is not base64, is an error.
 */
export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  let match: RegExpExecArray | null;
  while ((match = begin.exec(text)) !== null) {
    const label = match[1]!;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, begin.lastIndex);
    if (end < 0) throw new PemError(`PEM block "${label}" has no END line`);
    const body = text.slice(begin.lastIndex, end);
    if (/^[A-Za-z-]+:/m.test(body)) {
      throw new PemError(
        `PEM block "${label}" is encrypted with legacy headers; export it as PKCS#8 instead`,
      );
    }
    try {
      blocks.push({ label, der: fromBase64(body) });
    } catch (error) {
      throw new PemError(`PEM block "${label}" is not valid base64: ${(error as Error).message}`);
    }
    begin.lastIndex = end + endMarker.length;
  }
  return blocks;
}

export function formatPem(label: string, der: Uint8Array): string {
  const body = toBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
