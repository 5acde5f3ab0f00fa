import { describe, expect, it } from 'vitest';
import { frameRoom } from './ws-frames';
import {
  maxReadBytes,
  minReadBytes,
  pooledReadBuffers,
  recycleReadBuffer,
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
});
