import { describe, expect, it } from 'vitest';
import { frameRoom } from './ws-frames';
import {
  isSharedReadBuffer,
  maxReadBytes,
  minReadBytes,
  pooledReadBuffers,
  ReadSize,
  recycleReadBuffer,
  sharedBelowBytes,
  takeReadBuffer,
} from './read-buffers';

describe('read buffers', () => {
  it('leave room for a frame header in front, in the same memory', () => {
    for (const size of [minReadBytes, 4096, maxReadBytes]) {
      const buffer = takeReadBuffer(size);
      expect(buffer.length).toBe(size);
      expect(buffer.byteOffset).toBeGreaterThanOrEqual(frameRoom);
    }
  });

  it('recycles only full-size buffers, and only up to a bound', () => {
    const start = pooledReadBuffers();
    const small = takeReadBuffer(minReadBytes);
    recycleReadBuffer(small);
    expect(pooledReadBuffers()).toBe(start);
    const full = takeReadBuffer(maxReadBytes);
    recycleReadBuffer(full);
    expect(pooledReadBuffers()).toBe(start + 1);
    expect(takeReadBuffer(maxReadBytes)).toBe(full);
    // A view that is not a whole read buffer is never taken in.
    recycleReadBuffer(full.subarray(1));
    expect(pooledReadBuffers()).toBe(start);
    for (let i = 0; i < 100; i++)
      recycleReadBuffer(Buffer.allocUnsafe(frameRoom + maxReadBytes).subarray(frameRoom));
    expect(pooledReadBuffers()).toBeLessThanOrEqual(32);
  });

  it('puts small reads in the one shared buffer and gives larger ones their own', () => {
    const small = takeReadBuffer(minReadBytes);
    const alsoSmall = takeReadBuffer(sharedBelowBytes / 2);
    expect(isSharedReadBuffer(small)).toBe(true);
    expect(small.buffer).toBe(alsoSmall.buffer);
    const large = takeReadBuffer(sharedBelowBytes);
    expect(isSharedReadBuffer(large)).toBe(false);
    expect(large.buffer).not.toBe(takeReadBuffer(sharedBelowBytes).buffer);
    // The shared buffer is never taken into the pool of full-size buffers.
    const start = pooledReadBuffers();
    recycleReadBuffer(small);
    expect(pooledReadBuffers()).toBe(start);
  });

  it('sizes reads by how full the last one was, within the bounds', () => {
    const size = new ReadSize();
    expect(size.bytes).toBe(minReadBytes);
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      size.adjust(size.bytes, size.bytes);
      sizes.push(size.bytes);
    }
    expect(sizes[0]).toBe(minReadBytes * 2);
    expect(Math.max(...sizes)).toBe(maxReadBytes);
    expect(size.take().length).toBe(maxReadBytes);
    // Under a quarter full, below the shared size: the size halves, down to the minimum.
    size.bytes = 4096;
    size.adjust(100, 4096);
    expect(size.bytes).toBe(2048);
    for (let i = 0; i < 20; i++) size.adjust(0, size.bytes);
    expect(size.bytes).toBe(minReadBytes);
  });

  it('after a large read that was not full, reads into the shared buffer until one fills it', () => {
    const size = new ReadSize();
    while (size.bytes < maxReadBytes) size.adjust(size.bytes, size.bytes);
    // Half full: the next read is a small one into the shared buffer, so an idle connection holds none.
    size.adjust(maxReadBytes / 2, maxReadBytes);
    expect(isSharedReadBuffer(size.take())).toBe(true);
    // It filled: straight back to the size before.
    size.adjust(size.bytes, size.bytes);
    expect(size.bytes).toBe(maxReadBytes);
    // Under a quarter full: back to half the size, after a small read that fills.
    size.adjust(100, maxReadBytes);
    expect(isSharedReadBuffer(size.take())).toBe(true);
    size.adjust(size.bytes, size.bytes);
    expect(size.bytes).toBe(maxReadBytes / 2);
    // A small read that does not fill: the size shrinks from the small one.
    size.adjust(10, size.bytes);
    expect(isSharedReadBuffer(size.take())).toBe(true);
    size.adjust(10, size.bytes);
    expect(size.bytes).toBeLessThan(sharedBelowBytes);
    expect(isSharedReadBuffer(size.take())).toBe(true);
  });
});
