import { describe, expect, it } from 'vitest';
import { maxReadBytes, pooledReadBuffers, takeReadBuffer } from './read-buffers';
import { ReadLeases } from './read-leases';

describe('read leases', () => {
  it('hold a read buffer until every kept view is released, and count it once while held', () => {
    let released = 0;
    const leases = new ReadLeases(() => (released += 1));
    const buffer = takeReadBuffer(maxReadBytes);
    buffer.fill(7, 0, 100);
    const kept: { bytes: Buffer; release: () => void }[] = [];
    leases.deliver(100, buffer, (chunk) => {
      expect(chunk.length).toBe(100);
      kept.push(leases.keep(chunk.subarray(0, 10)), leases.keep(chunk.subarray(10)));
    });
    // Views, not copies.
    expect(kept[0]!.bytes.buffer).toBe(buffer.buffer);
    expect(leases.heldBytes).toBe(maxReadBytes);
    const pooled = pooledReadBuffers();
    kept[0]!.release();
    kept[0]!.release(); // a second call changes nothing
    expect(leases.heldBytes).toBe(maxReadBytes);
    expect(pooledReadBuffers()).toBe(pooled);
    expect(released).toBe(0);
    kept[1]!.release();
    expect(leases.heldBytes).toBe(0);
    expect(released).toBe(1);
    // Only now is the buffer free for another read.
    expect(pooledReadBuffers()).toBe(pooled + 1);
    expect(takeReadBuffer(maxReadBytes)).toBe(buffer);
  });

  it('copy what is kept from the shared buffer, and recycle a buffer nobody kept at once', () => {
    const leases = new ReadLeases(() => {
      throw new Error('nothing was held');
    });
    const small = takeReadBuffer(1024);
    small.fill(3, 0, 5);
    let copy: Buffer | undefined;
    leases.deliver(5, small, (chunk) => (copy = leases.keep(chunk).bytes));
    expect(copy!.buffer).not.toBe(small.buffer);
    expect([...copy!]).toEqual([3, 3, 3, 3, 3]);
    const large = takeReadBuffer(maxReadBytes);
    const pooled = pooledReadBuffers();
    leases.deliver(10, large, () => {});
    expect(pooledReadBuffers()).toBe(pooled + 1);
    expect(leases.heldBytes).toBe(0);
  });

  it('pass on bytes that did not come through deliver() as they are', () => {
    const leases = new ReadLeases(() => {});
    const head = Buffer.from('early');
    const kept = leases.keep(head);
    expect(kept.bytes).toBe(head);
    kept.release();
    expect(leases.heldBytes).toBe(0);
  });
});
