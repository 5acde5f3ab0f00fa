// For tests: the extension types of a ClientHello handshake message, in the order sent (RFC 8446 §4.1.2:
// type, length, version, random, session id, cipher suites, compression methods, extensions). Tests use it to
// check, e.g., that pre_shared_key comes last (§4.2.11).
const u16 = (bytes: Uint8Array, at: number) => ((bytes[at] as number) << 8) | (bytes[at + 1] as number);

export function clientHelloExtensionTypes(hello: Uint8Array): number[] {
  let offset = 4 + 2 + 32;
  offset += 1 + (hello[offset] as number);
  offset += 2 + u16(hello, offset);
  offset += 1 + (hello[offset] as number);
  const end = offset + 2 + u16(hello, offset);
  const types: number[] = [];
  for (offset += 2; offset < end; offset += 4 + u16(hello, offset + 2)) types.push(u16(hello, offset));
  return types;
}

/** The same for the first TLS record a client sends (a 5-byte record header, then the ClientHello). */
export function firstRecordExtensionTypes(record: Uint8Array): number[] {
  return clientHelloExtensionTypes(record.subarray(5));
}
