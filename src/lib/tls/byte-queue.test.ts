// ByteQueue keeps order across pushes and takes, and one-byte feeding stays linear.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat } from '../bytes/concat';
import { ByteQueue } from './byte-queue';
import { HandshakeBuffer } from './handshake-framing';

describe('ByteQueue', () => {
  it('returns exactly the pushed bytes, in order, for any interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.nat(400))), (steps) => {
        const queue = new ByteQueue();
        const pushed: Uint8Array[] = [];
        const taken: Uint8Array[] = [];
        for (const [bytes, want] of steps) {
          queue.push(bytes);
          pushed.push(bytes);
          const count = Math.min(want, queue.length);
          taken.push(queue.take(count));
        }
        taken.push(queue.take(queue.length));
        expect(concat(...taken)).toEqual(concat(...pushed));
      }),
    );
  });

  it('reassembles a 256 KiB handshake message fed one byte at a time, quickly', () => {
    const body = new Uint8Array(256 * 1024 - 4).fill(7);
    const message = concat(
      Uint8Array.of(11, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff),
      body,
    );
    const buffer = new HandshakeBuffer();
    const started = Date.now();
    let early = 0;
    for (let i = 0; i < message.length; i++) {
      buffer.push(message.subarray(i, i + 1));
      if (i < message.length - 1 && buffer.next() !== undefined) early++;
    }
    expect(early).toBe(0);
    const out = buffer.next();
    expect(out?.raw).toEqual(message);
    expect(buffer.hasPartial).toBe(false);
    // Quadratic joining copies ~34 GB here (minutes); linear work takes well under a second unloaded. The bound
    // is loose so a busy machine cannot make it flaky.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);
});
