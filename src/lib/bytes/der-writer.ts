// DER encoders (X.690 §8, §10), for the certificates, CSRs and PKCS#8 wrappers we build.
import { Tag } from './der';

const utf8 = new TextEncoder();

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const length = encodeLength(value.length);
  const out = new Uint8Array(1 + length.length + value.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(value, 1 + length.length);
  return out;
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const sequence = (...items: Uint8Array[]) => tlv(Tag.sequence, join(items));

/** SET OF: X.690 §11.6 orders the encoded elements. */
export const setOf = (...items: Uint8Array[]) => {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlv(Tag.set, join(sorted));
};

export const nullValue = () => Uint8Array.of(Tag.null, 0);
export const booleanValue = (value: boolean) => Uint8Array.of(Tag.boolean, 1, value ? 0xff : 0);
export const octetString = (value: Uint8Array) => tlv(Tag.octetString, value);
export const utf8String = (value: string) => tlv(Tag.utf8String, utf8.encode(value));
export const printableString = (value: string) => tlv(Tag.printableString, utf8.encode(value));
export const ia5String = (value: string) => tlv(Tag.ia5String, utf8.encode(value));
export const bitString = (value: Uint8Array) => tlv(Tag.bitString, join([Uint8Array.of(0), value]));

/** INTEGER from unsigned big-endian bytes (adds the sign octet when needed) or a small number. */
export function integer(value: Uint8Array | number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    const list: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) list.unshift(n & 0xff);
    bytes = Uint8Array.from(list.length ? list : [0]);
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    bytes = value.subarray(start);
    if (bytes.length === 0) bytes = Uint8Array.of(0);
  }
  if (bytes[0]! & 0x80) bytes = join([Uint8Array.of(0), bytes]);
  return tlv(Tag.integer, bytes);
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new TypeError(`bad OID ${dotted}`);
  }
  const out: number[] = [];
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  for (const arc of arcs) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(Tag.oid, Uint8Array.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(Tag.utcTime, utf8.encode(iso.slice(2)));
  return tlv(Tag.generalizedTime, utf8.encode(iso));
}

/** [n] EXPLICIT: a constructed context-specific wrapper. */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);
/** [n] IMPLICIT primitive, e.g. a SAN dNSName ([2] IA5String). */
export const implicitPrimitive = (n: number, value: Uint8Array) => tlv(0x80 | n, value);
