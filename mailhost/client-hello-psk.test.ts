import fc from 'fast-check';
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

  // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension, and identities<7..2^16-1> holds at least
  // one identity with its obfuscated_ticket_age. Anything else is not read as an offer.
  it('reads no identity from a pre_shared_key that is not last or holds no identity', () => {
    const notLast = readClientHelloPsk(hello([1], [psk, [0, 43, 0, 3, 2, 3, 4]]));
    expect(notLast && notLast !== 'need-more' && notLast.firstIdentity).toBeFalsy();
    const binders = [0, 33, 32, ...new Array<number>(32).fill(9)];
    const empty = [0, 41, 0, 2 + binders.length, 0, 0, ...binders];
    const none = readClientHelloPsk(hello([1], [empty]));
    expect(none && none !== 'need-more' && none.firstIdentity).toBeFalsy();
    // An identity whose length runs into the binders: no room left for its obfuscated_ticket_age.
    const short = [0, 41, 0, 2 + 2 + 32 + binders.length, 0, 34, 0, 32, ...identity, ...binders];
    const cut = readClientHelloPsk(hello([1], [short]));
    expect(cut && cut !== 'need-more' && cut.firstIdentity).toBeFalsy();
  });

  it('never throws and only returns bytes of the record, whatever is mutated or cut', () => {
    const valid = hello([1, 2, 3], [[0, 43, 0, 3, 2, 3, 4], psk]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(valid.length),
        (edits, cutAt) => {
          const bytes = valid.slice();
          for (const [at, value] of edits) bytes[at] = value;
          const input = bytes.subarray(0, cutAt);
          const result = readClientHelloPsk(input);
          if (result === undefined || result === 'need-more') return;
          const recordEnd = 5 + ((input[3]! << 8) | input[4]!);
          for (const part of [result.legacySessionId, result.firstIdentity]) {
            if (!part) continue;
            expect(part.buffer).toBe(input.buffer);
            expect(part.byteOffset + part.length).toBeLessThanOrEqual(input.byteOffset + recordEnd);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
