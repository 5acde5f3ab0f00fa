// A small DER reader (X.690 §8, §10) for certificates, CSRs and keys. It accepts only definite,
// minimally encoded lengths and single-byte tags up to 30, which covers every structure we parse.

export class DerError extends Error {
  override name = 'DerError';
}

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
} as const;

export interface DerNode {
  /** The identifier octet, e.g. 0x30 for SEQUENCE or 0xa0 for [0] constructed. */
  tag: number;
  /** The whole TLV, as needed for signatures over `tbsCertificate`. */
  raw: Uint8Array;
  /** The contents octets. */
  value: Uint8Array;
}

/** Reads one TLV at `offset` and returns it with the offset just past it. */
export function readNode(bytes: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) throw new DerError('truncated DER header');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let length = bytes[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('DER length too large');
    if (offset + 2 + count > bytes.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    if (length < 0x80 || (count > 1 && bytes[offset + 2] === 0)) {
      throw new DerError('DER length is not minimally encoded');
    }
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > bytes.length) throw new DerError('DER value runs past the end of its container');
  return {
    node: { tag, raw: bytes.subarray(offset, end), value: bytes.subarray(offset + headerLength, end) },
    next: end,
  };
}

/** Parses `bytes` as exactly one TLV; trailing bytes are an error. */
export function parseDer(bytes: Uint8Array): DerNode {
  const { node, next } = readNode(bytes, 0);
  if (next !== bytes.length) throw new DerError('trailing bytes after DER value');
  return node;
}

/** The children of a constructed node, in order. */
export function children(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const { node: child, next } = readNode(node.value, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`missing ${what}`);
  if (node.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  }
  return node;
}

/** X.690 §8.19: dotted-decimal form of an OBJECT IDENTIFIER. */
export function readOid(node: DerNode): string {
  expectTag(node, Tag.oid, 'object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of node.value) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  if (node.value.length === 0 || node.value[node.value.length - 1]! & 0x80)
    throw new DerError('truncated OID');
  return parts.join('.');
}

/** Unsigned big-endian INTEGER contents with the sign-padding zero removed. */
export function readUnsignedInteger(node: DerNode): Uint8Array {
  expectTag(node, Tag.integer, 'integer');
  if (node.value.length === 0) throw new DerError('empty INTEGER');
  let start = 0;
  while (start < node.value.length - 1 && node.value[start] === 0) start++;
  return node.value.subarray(start);
}

export function readSmallInteger(node: DerNode): number {
  const bytes = readUnsignedInteger(node);
  if (bytes.length > 6) throw new DerError('INTEGER too large');
  return bytes.reduce((acc, byte) => acc * 256 + byte, 0);
}

/** BIT STRING contents without the unused-bits octet; only whole-octet strings are accepted. */
export function readBitString(node: DerNode): Uint8Array {
  expectTag(node, Tag.bitString, 'bit string');
  if (node.value.length === 0 || node.value[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return node.value.subarray(1);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The directory string types X.520 names use, decoded to a JS string. */
export function readString(node: DerNode): string {
  switch (node.tag) {
    case Tag.utf8String:
      return utf8.decode(node.value);
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.t61String:
      return latin1.decode(node.value);
    case Tag.bmpString: {
      let out = '';
      for (let i = 0; i + 1 < node.value.length; i += 2) {
        out += String.fromCharCode((node.value[i]! << 8) | node.value[i + 1]!);
      }
      return out;
    }
    default:
      throw new DerError(`tag 0x${node.tag.toString(16)} is not a string type`);
  }
}

/** RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ, 50-99 -> 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function readTime(node: DerNode): Date {
  const text = latin1.decode(node.value);
  const match =
    node.tag === Tag.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === Tag.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) throw new DerError(`not a valid certificate time: ${text}`);
  let year = Number(match[1]);
  if (node.tag === Tag.utcTime) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}
