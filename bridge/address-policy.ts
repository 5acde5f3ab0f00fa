// Decides whether a resolved IP address is on the public internet. The bridge is reachable by anyone, so
// every address that would let a caller reach the bridge's own machine or network (SSRF) is refused.
// Ranges follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates).
// IPv6 forms that carry an IPv4 address (mapped, translated, NAT64, 6to4) are judged by that address.
import { isIPv4, isIPv6 } from 'node:net';

export type AddressVerdict = { public: true } | { public: false; reason: string };

interface Range {
  bytes: number[];
  bits: number;
  reason: string;
}

function range(bytes: number[], bits: number, reason: string): Range {
  return { bytes, bits, reason };
}

const ipv4Refused: Range[] = [
  range([0, 0, 0, 0], 8, 'this network (0/8)'),
  range([10, 0, 0, 0], 8, 'private (RFC 1918)'),
  range([100, 64, 0, 0], 10, 'carrier-grade NAT (RFC 6598)'),
  range([127, 0, 0, 0], 8, 'loopback'),
  range([169, 254, 0, 0], 16, 'link-local'),
  range([172, 16, 0, 0], 12, 'private (RFC 1918)'),
  range([192, 0, 0, 0], 24, 'IETF protocol assignments (RFC 6890)'),
  range([192, 0, 2, 0], 24, 'documentation (TEST-NET-1)'),
  range([192, 88, 99, 0], 24, '6to4 relay anycast (RFC 7526)'),
  range([192, 168, 0, 0], 16, 'private (RFC 1918)'),
  range([198, 18, 0, 0], 15, 'benchmarking (RFC 2544)'),
  range([198, 51, 100, 0], 24, 'documentation (TEST-NET-2)'),
  range([203, 0, 113, 0], 24, 'documentation (TEST-NET-3)'),
  range([224, 0, 0, 0], 4, 'multicast'),
  range([240, 0, 0, 0], 4, 'reserved (240/4, includes broadcast)'),
];

// Checked after the IPv4-carrying prefixes below; anything outside 2000::/3 is refused afterwards.
const ipv6Refused: Range[] = [
  range([0x20, 0x01, 0x00, 0x00], 23, 'IETF protocol assignments (2001::/23, includes Teredo)'),
  range([0x20, 0x01, 0x0d, 0xb8], 32, 'documentation (2001:db8::/32)'),
  range([0x3f, 0xff, 0x00, 0x00], 20, 'documentation (3fff::/20)'),
  range([0x5f, 0x00], 16, 'SRv6 SIDs (5f00::/16)'),
];

function matches(address: Uint8Array, r: Range): boolean {
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((address[i] ?? 0) & mask) !== ((r.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Parses a dotted-quad IPv4 address (the form resolvers return) into 4 bytes. */
export function parseIPv4(text: string): Uint8Array | null {
  if (!isIPv4(text)) return null;
  return Uint8Array.from(text.split('.').map(Number));
}

/** Parses any RFC 4291 §2.2 text form of an IPv6 address (with optional zone id) into 16 bytes. */
export function parseIPv6(text: string): Uint8Array | null {
  const withoutZone = text.replace(/%.*$/, '');
  if (!isIPv6(withoutZone)) return null;
  let body = withoutZone;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted?.[1]) {
    const v4 = parseIPv4(dotted[1]);
    if (!v4) return null;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    body = body.slice(0, -dotted[1].length);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const [head = '', rest] = body.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const front = words(head);
  const back = [...(rest === undefined ? [] : words(rest)), ...tail];
  const missing = 8 - front.length - back.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return null;
  const all = [...front, ...new Array<number>(missing).fill(0), ...back];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

export function classifyIPv4(bytes: Uint8Array): AddressVerdict {
  for (const r of ipv4Refused) if (matches(bytes, r)) return { public: false, reason: r.reason };
  return { public: true };
}

function embedded(bytes: Uint8Array, at: number, form: string): AddressVerdict {
  const verdict = classifyIPv4(bytes.subarray(at, at + 4));
  return verdict.public ? verdict : { public: false, reason: `${form} of ${verdict.reason}` };
}

export function classifyIPv6(bytes: Uint8Array): AddressVerdict {
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 16)) return { public: false, reason: 'unspecified' };
  if (zeros(0, 15) && bytes[15] === 1) return { public: false, reason: 'loopback' };
  // ::ffff:0:0/96 IPv4-mapped (RFC 4291 §2.5.5.2): a socket to it reaches the embedded IPv4 address.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded(bytes, 12, 'IPv4-mapped');
  // ::ffff:0:0:0/96 IPv4-translated (RFC 2765 §2.1).
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12))
    return embedded(bytes, 12, 'IPv4-translated');
  // ::/96 IPv4-compatible is deprecated (RFC 4291 §2.5.5.1) and never a real destination.
  if (zeros(0, 12)) return { public: false, reason: 'IPv4-compatible (deprecated)' };
  // 64:ff9b::/96 well-known NAT64 prefix (RFC 6052): the translator connects to the embedded address.
  if (matches(bytes, range([0, 0x64, 0xff, 0x9b], 96, ''))) return embedded(bytes, 12, 'NAT64');
  // 64:ff9b:1::/48 local-use NAT64 (RFC 8215) can map onto anything, including private space.
  if (matches(bytes, range([0, 0x64, 0xff, 0x9b, 0, 1], 48, '')))
    return { public: false, reason: 'local-use NAT64 (RFC 8215)' };
  // 2002::/16 6to4 (RFC 3056): the next 32 bits are the relay's IPv4 address.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return embedded(bytes, 2, '6to4');
  for (const r of ipv6Refused) if (matches(bytes, r)) return { public: false, reason: r.reason };
  // Only 2000::/3 is allocated as global unicast; this also covers ULA fc00::/7, link-local fe80::/10,
  // site-local fec0::/10, multicast ff00::/8 and discard-only 100::/64.
  if ((bytes[0]! & 0xe0) !== 0x20) {
    const reason =
      bytes[0] === 0xff
        ? 'multicast'
        : (bytes[0]! & 0xfe) === 0xfc
          ? 'unique local (fc00::/7)'
          : bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80
            ? 'link-local'
            : 'reserved (outside 2000::/3)';
    return { public: false, reason };
  }
  return { public: true };
}

/** Classifies an address in text form; anything that does not parse as an IP address is not public. */
export function classifyAddress(text: string): AddressVerdict {
  const v4 = parseIPv4(text);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(text);
  if (v6) return classifyIPv6(v6);
  return { public: false, reason: 'not an IP address' };
}
