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
    // Half full: the size stays; under a quarter: it halves, down to the minimum.
    size.adjust(maxReadBytes / 2, maxReadBytes);
    expect(size.bytes).toBe(maxReadBytes);
    size.adjust(100, maxReadBytes);
    expect(size.bytes).toBe(maxReadBytes / 2);
    for (let i = 0; i < 20; i++) size.adjust(0, size.bytes);
    expect(size.bytes).toBe(minReadBytes);
  });
});
