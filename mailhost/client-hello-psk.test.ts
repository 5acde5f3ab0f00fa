import { describe, expect, it } from 'vitest';
import { readClientHelloPsk } from './client-hello-psk';

/** A minimal ClientHello record (RFC 8446 §4.1.2) with the given legacy id and extensions. */
function hello(sessionId: number[], extensions: number[][]): Uint8Array {
  const ext = extensions.flat();
  const body = [
    3,
    3,
    ...new Array<number>(32).fill(7),
    sessionId.length,
    ...sessionId,
    0,
    2,
    0x13,
    0x01,
    1,
    0,
    ext.length >> 8,
    ext.length & 0xff,
    ...ext,
  ];
  const handshake = [1, 0, body.length >> 8, body.length & 0xff, ...body];
  return new Uint8Array([22, 3, 1, handshake.length >> 8, handshake.length & 0xff, ...handshake]);
}

const identity = Array.from({ length: 32 }, (_, i) => i + 100);
// pre_shared_key: identities<identity<..>, obfuscated_ticket_age>, binders (RFC 8446 §4.2.11)
const psk = [
  0,
  41,
  0,
  2 + 2 + 32 + 4 + 2 + 1 + 32,
  0,
  38,
  0,
  32,
  ...identity,
  0,
  0,
  0,
  1,
  0,
  33,
  32,
  ...new Array<number>(32).fill(9),
];

describe('readClientHelloPsk', () => {
  it('finds the legacy session id and the first PSK identity after other extensions', () => {
    const bytes = hello([1, 2, 3], [[0, 43, 0, 3, 2, 3, 4], psk]);
    const result = readClientHelloPsk(bytes);
    expect(result).not.toBe('need-more');
    expect(result && result !== 'need-more' && [...result.legacySessionId]).toEqual([1, 2, 3]);
    expect(result && result !== 'need-more' && [...result.firstIdentity!]).toEqual(identity);
  });

  it('waits for the rest of the record, then reports no PSK when none is offered', () => {
    const bytes = hello([], [[0, 43, 0, 3, 2, 3, 4]]);
    expect(readClientHelloPsk(bytes.subarray(0, 20))).toBe('need-more');
    const result = readClientHelloPsk(bytes);
    expect(result && result !== 'need-more' && result.firstIdentity).toBeUndefined();
  });

  it('gives up on what is not a readable ClientHello', () => {
    expect(readClientHelloPsk(new Uint8Array([23, 3, 3, 0, 1, 0]))).toBeUndefined();
    const bytes = hello([1], [psk]);
    bytes[bytes.length - 40] = 0xff; // an extension length running past the record
    expect(readClientHelloPsk(bytes.subarray(0, 60))).toBe('need-more');
    const truncated = hello([1], [psk]);
    truncated[4] = 50; // record shorter than the handshake it announces
    expect(readClientHelloPsk(truncated)).toBeUndefined();
  });
});
