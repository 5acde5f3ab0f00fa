import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  FrameError,
  frameHeader,
  headerSize,
  isSendableCloseCode,
  Opcode,
  writeHeader,
  type FrameSink,
} from './ws-frames';

/** A client frame as RFC 6455 §5.2 lays it out, masked unless told otherwise. */
function clientFrame(
  opcode: number,
  payload: Uint8Array,
  options: { fin?: boolean; masked?: boolean; rsv?: number; key?: Buffer } = {},
): Buffer {
  const { fin = true, masked = true, rsv = 0 } = options;
  const key = options.key ?? randomBytes(4);
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const frame = Buffer.alloc(2 + extended + (masked ? 4 : 0) + length);
  frame[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  frame[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) frame.writeUInt16BE(length, 2);
  if (extended === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  let at = 2 + extended;
  if (masked) {
    key.copy(frame, at);
    at += 4;
  }
  for (let i = 0; i < length; i++) frame[at + i] = masked ? payload[i]! ^ key[i & 3]! : payload[i]!;
  return frame;
}

interface Recorded {
  data: Buffer[];
  pings: Buffer[];
  closes: [number, string][];
}

function recorder(): { sink: FrameSink; seen: Recorded } {
  const seen: Recorded = { data: [], pings: [], closes: [] };
  return {
    seen,
    sink: {
      // Views are only valid during the call: keep copies.
      data: (payload) => seen.data.push(Buffer.from(payload)),
      ping: (payload) => seen.pings.push(Buffer.from(payload)),
      close: (code, reason) => seen.closes.push([code, reason]),
    },
  };
}

/** Feeds `bytes` in pieces cut at `cuts` (positions), as a socket might deliver them. */
function feed(decoder: FrameDecoder, bytes: Buffer, cuts: number[] = []): void {
  let from = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
    decoder.push(Buffer.from(bytes.subarray(from, cut)));
    from = cut;
  }
  decoder.push(Buffer.from(bytes.subarray(from)));
}

function failure(bytes: Buffer, maxMessageBytes = 1 << 20): FrameError {
  const { sink } = recorder();
  try {
    new FrameDecoder(sink, maxMessageBytes).push(bytes);
  } catch (error) {
    if (error instanceof FrameError) return error;
    throw error;
  }
  throw new Error('no FrameError');
}

describe('FrameDecoder', () => {
  it('passes on the unmasked bytes of any fragmentation, cut into reads anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), {
          maxLength: 4,
        }),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        fc.boolean(),
        (messages, cuts, withPings) => {
          const frames: Buffer[] = [];
          for (const fragments of messages) {
            fragments.forEach((fragment, i) => {
              const opcode = i === 0 ? Opcode.binary : Opcode.continuation;
              frames.push(clientFrame(opcode, fragment, { fin: i === fragments.length - 1 }));
              // §5.4: control frames may come between the fragments of a message.
              if (withPings) frames.push(clientFrame(Opcode.ping, Buffer.from([i])));
            });
          }
          const { sink, seen } = recorder();
          feed(new FrameDecoder(sink, 1 << 20), Buffer.concat(frames), cuts);
          const expected = Buffer.concat(messages.flat());
          expect(Buffer.concat(seen.data).equals(expected)).toBe(true);
          expect(seen.pings.length).toBe(withPings ? messages.flat().length : 0);
        },
      ),
    );
  });

  it('unmasks large payloads cut at every alignment (the native routine with a rotated key)', () => {
    const payload = randomBytes(70_000);
    const frame = clientFrame(Opcode.binary, payload);
    for (const cut of [15, 16, 17, 18, 1000, 1001, 65_541]) {
      const { sink, seen } = recorder();
      feed(new FrameDecoder(sink, 1 << 20), frame, [cut, cut + 33, cut + 70]);
      expect(Buffer.concat(seen.data).equals(payload)).toBe(true);
    }
  });

  it('reports close frames with their status and reason, 1005 when there is none, and stops', () => {
    const withStatus = Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('bye ✓')]);
    const { sink, seen } = recorder();
    const decoder = new FrameDecoder(sink, 1024);
    decoder.push(
      Buffer.concat([clientFrame(Opcode.close, withStatus), clientFrame(Opcode.binary, Buffer.from('late'))]),
    );
    expect(seen.closes).toEqual([[4000, 'bye ✓']]);
    expect(seen.data).toEqual([]);

    const empty = recorder();
    new FrameDecoder(empty.sink, 1024).push(clientFrame(Opcode.close, Buffer.alloc(0)));
    expect(empty.seen.closes).toEqual([[1005, '']]);
  });

  it('ignores pongs and hands pings over unmasked', () => {
    const { sink, seen } = recorder();
    new FrameDecoder(sink, 1024).push(
      Buffer.concat([
        clientFrame(Opcode.pong, Buffer.from('p')),
        clientFrame(Opcode.ping, Buffer.from('ping!')),
      ]),
    );
    expect(seen.pings.map((p) => p.toString())).toEqual(['ping!']);
  });

  it('fails the connection with the right status for each protocol error', () => {
    const one = Buffer.from([1]);
    const cases: [Buffer, number, RegExp][] = [
      [clientFrame(Opcode.binary, one, { masked: false }), 1002, /unmasked/],
      [clientFrame(Opcode.binary, one, { rsv: 4 }), 1002, /reserved bits/],
      [clientFrame(0x3, one), 1002, /reserved opcode/],
      [clientFrame(0xb, one), 1002, /reserved opcode/],
      [clientFrame(Opcode.text, Buffer.from('hi')), 1003, /binary frames only/],
      [clientFrame(Opcode.ping, Buffer.alloc(126)), 1002, /control frame/],
      [clientFrame(Opcode.ping, one, { fin: false }), 1002, /control frame/],
      [clientFrame(Opcode.continuation, one), 1002, /continuation/],
      [
        Buffer.concat([clientFrame(Opcode.binary, one, { fin: false }), clientFrame(Opcode.binary, one)]),
        1002,
        /inside a message/,
      ],
      [clientFrame(Opcode.close, one), 1002, /one byte/],
      // §5.2: "the minimal number of bytes MUST be used to encode the length".
      [Buffer.from([0x82, 0xfe, 0, 5, 1, 2, 3, 4]), 1002, /not minimal/],
      [Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]), 1002, /not minimal/],
      // The most significant bit of a 64-bit length must be 0.
      [Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]), 1002, /most significant bit/],
      [clientFrame(Opcode.close, Buffer.from([0x03, 0xed])), 1002, /invalid close code 1005/],
      [clientFrame(Opcode.close, Buffer.from([0x03, 0xe8, 0xff, 0xfe])), 1007, /UTF-8/],
    ];
    for (const [bytes, code, message] of cases) {
      let error: FrameError;
      try {
        error = failure(bytes);
      } catch {
        throw new Error(`no failure for ${message.source}`);
      }
      expect(error.code, message.source).toBe(code);
      expect(error.message).toMatch(message);
    }
  });

  it('checks the message size on frame headers, across fragments, before passing any of it on', () => {
    const { sink, seen } = recorder();
    const decoder = new FrameDecoder(sink, 100);
    expect(() =>
      decoder.push(
        Buffer.concat([
          clientFrame(Opcode.binary, Buffer.alloc(60, 1), { fin: false }),
          clientFrame(Opcode.continuation, Buffer.alloc(41, 2)),
        ]),
      ),
    ).toThrow(expect.objectContaining({ code: 1009 }));
    expect(Buffer.concat(seen.data).equals(Buffer.alloc(60, 1))).toBe(true);
    // A 64-bit length with high bits set, and one merely above the limit, before any payload arrives.
    const huge = Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(failure(huge).code).toBe(1009);
    expect(failure(clientFrame(Opcode.binary, Buffer.alloc(101)).subarray(0, 8), 100).code).toBe(1009);
    // The limit is per message: many messages at the limit are fine.
    const fine = recorder();
    const many = new FrameDecoder(fine.sink, 100);
    for (let i = 0; i < 5; i++) many.push(clientFrame(Opcode.binary, Buffer.alloc(100, i)));
    expect(Buffer.concat(fine.seen.data).length).toBe(500);
  });

  it('ignores everything after stop() and after an error', () => {
    const { sink, seen } = recorder();
    const decoder = new FrameDecoder(sink, 1024);
    expect(() => decoder.push(clientFrame(Opcode.text, Buffer.from('x')))).toThrow(FrameError);
    decoder.push(clientFrame(Opcode.binary, Buffer.from('after')));
    expect(seen.data).toEqual([]);
  });
});

describe('server frame headers', () => {
  it('uses the shortest length form (§5.2) and matches writeHeader', () => {
    for (const [length, size, second] of [
      [0, 2, 0],
      [125, 2, 125],
      [126, 4, 126],
      [65535, 4, 126],
      [65536, 10, 127],
      [5_000_000, 10, 127],
    ] as const) {
      const header = frameHeader(Opcode.binary, length);
      expect(header.length).toBe(size);
      expect(headerSize(length)).toBe(size);
      expect(header[0]).toBe(0x82);
      expect(header[1]).toBe(second);
      if (size === 4) expect(header.readUInt16BE(2)).toBe(length);
      if (size === 10) expect(Number(header.readBigUInt64BE(2))).toBe(length);
      const inPlace = Buffer.alloc(size);
      writeHeader(inPlace, Opcode.binary, length);
      expect(inPlace.equals(header)).toBe(true);
    }
  });

  it('knows which close codes may be sent (§7.4)', () => {
    expect([1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999].every(isSendableCloseCode)).toBe(true);
    expect([0, 999, 1004, 1005, 1006, 1015, 2999, 5000].some(isSendableCloseCode)).toBe(false);
  });
});
