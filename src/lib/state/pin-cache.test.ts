import { describe, expect, it } from 'vitest';
import { MemoryHostPinStore, tofuVerifier, type HostPin, type HostPinStore } from '../trust/host-pins';
import { CachedPinStore, LAST_SEEN_WRITE_MS } from './pin-cache';

/** Counts what reaches the real store. */
function counting(inner: HostPinStore) {
  const calls = { get: 0, put: 0, delete: 0 };
  const store: HostPinStore = {
    get: (h, p) => (calls.get++, inner.get(h, p)),
    put: (pin) => (calls.put++, inner.put(pin)),
    delete: (h, p) => (calls.delete++, inner.delete(h, p)),
    list: () => inner.list(),
  };
  return { store, calls };
}

const pin = (over: Partial<HostPin> = {}): HostPin => ({
  host: 'mail.example',
  port: 1958,
  certSha256: 'c'.repeat(64),
  spkiSha256: 's'.repeat(64),
  firstSeen: 1000,
  lastSeen: 1000,
  ...over,
});

describe('CachedPinStore', () => {
  it('reads a pin once, then from memory', async () => {
    const inner = new MemoryHostPinStore();
    await inner.put(pin());
    const { store, calls } = counting(inner);
    const cached = new CachedPinStore(store);
    expect(await cached.get('mail.example', 1958)).toEqual(pin());
    expect(await cached.get('MAIL.example.', 1958)).toEqual(pin());
    expect(calls.get).toBe(1);
  });

  it('writes a lastSeen that only moved a little to memory only, and a later one through', async () => {
    const inner = new MemoryHostPinStore();
    const { store, calls } = counting(inner);
    const cached = new CachedPinStore(store);
    await cached.put(pin());
    await cached.put(pin({ lastSeen: 2000 }));
    expect(calls.put).toBe(1);
    expect((await cached.get('mail.example', 1958))?.lastSeen).toBe(2000);
    expect((await inner.get('mail.example', 1958))?.lastSeen).toBe(1000);
    await cached.put(pin({ lastSeen: 1000 + LAST_SEEN_WRITE_MS }));
    expect(calls.put).toBe(2);
    expect((await inner.get('mail.example', 1958))?.lastSeen).toBe(1000 + LAST_SEEN_WRITE_MS);
  });

  it('writes a changed key through at once', async () => {
    const inner = new MemoryHostPinStore();
    const cached = new CachedPinStore(inner);
    await cached.put(pin());
    await cached.put(pin({ spkiSha256: 't'.repeat(64), lastSeen: 1001 }));
    expect((await inner.get('mail.example', 1958))?.spkiSha256).toBe('t'.repeat(64));
  });

  it('sees a pin changed behind it only after forget', async () => {
    const inner = new MemoryHostPinStore();
    const cached = new CachedPinStore(inner);
    await cached.put(pin());
    await inner.put(pin({ spkiSha256: 'u'.repeat(64) }));
    expect((await cached.get('mail.example', 1958))?.spkiSha256).toBe('s'.repeat(64));
    cached.forget();
    expect((await cached.get('mail.example', 1958))?.spkiSha256).toBe('u'.repeat(64));
  });

  it('delete removes from memory and store', async () => {
    const inner = new MemoryHostPinStore();
    const cached = new CachedPinStore(inner);
    await cached.put(pin());
    await cached.delete('mail.example', 1958);
    expect(await cached.get('mail.example', 1958)).toBeUndefined();
    expect(await inner.get('mail.example', 1958)).toBeUndefined();
  });

  it('under the TOFU verifier a changed host key is still refused', async () => {
    const cached = new CachedPinStore(new MemoryHostPinStore());
    const verify = tofuVerifier(cached, { now: () => 5000 });
    const info = { host: 'mail.example', port: 1958, certSha256: 'c'.repeat(64), spkiSha256: 's'.repeat(64) };
    await verify(info as Parameters<typeof verify>[0]);
    await verify(info as Parameters<typeof verify>[0]);
    await expect(
      verify({ ...info, spkiSha256: 'x'.repeat(64) } as Parameters<typeof verify>[0]),
    ).rejects.toThrowError();
  });
});
