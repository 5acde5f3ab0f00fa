import { describe, expect, it } from 'vitest';
import type { ServerCertificateInfo } from '../tls/types';
import { HostKeyChangedError, MemoryHostPinStore, tofuVerifier } from './host-pins';

const info = (cert: string, spki: string, host = 'mail.example'): ServerCertificateInfo => ({
  host,
  port: 1958,
  chain: [],
  certSha256: cert.repeat(64),
  spkiSha256: spki.repeat(64),
});

describe('tofuVerifier', () => {
  it('pins on first contact and reports it once', async () => {
    const store = new MemoryHostPinStore();
    const firsts: string[] = [];
    let clock = 100;
    const verify = tofuVerifier(store, { onFirstContact: (i) => firsts.push(i.host), now: () => clock });
    await verify(info('a', 'b'));
    clock = 200;
    await verify(info('a', 'b'));
    expect(firsts).toEqual(['mail.example']);
    const pin = await store.get('MAIL.example.', 1958);
    expect(pin).toMatchObject({
      certSha256: 'a'.repeat(64),
      spkiSha256: 'b'.repeat(64),
      firstSeen: 100,
      lastSeen: 200,
    });
  });

  it('refuses a changed key and says so', async () => {
    const store = new MemoryHostPinStore();
    const verify = tofuVerifier(store, { now: () => 0 });
    await verify(info('a', 'b'));
    const error = await verify(info('c', 'd')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyChangedError);
    expect((error as Error).message).toMatch(/public key changed/);
    expect((error as HostKeyChangedError).pinned.certSha256).toBe('a'.repeat(64));
  });

  it('refuses a new certificate over the same key too', async () => {
    const store = new MemoryHostPinStore();
    const verify = tofuVerifier(store);
    await verify(info('a', 'b'));
    await expect(verify(info('c', 'b'))).rejects.toThrow(/certificate changed/);
  });

  it('keeps pins per host and port, and forgets on delete', async () => {
    const store = new MemoryHostPinStore();
    const verify = tofuVerifier(store);
    await verify(info('a', 'b', 'one.example'));
    await verify(info('c', 'd', 'two.example'));
    expect((await store.list()).map((p) => p.host).sort()).toEqual(['one.example', 'two.example']);
    await store.delete('one.example', 1958);
    await verify(info('e', 'f', 'one.example'));
    expect((await store.get('one.example', 1958))?.certSha256).toBe('e'.repeat(64));
  });

  it('two first contacts at once with different keys: one pins, the other is refused', async () => {
    const store = new MemoryHostPinStore();
    const firstContacts: string[] = [];
    const verify = tofuVerifier(store, { onFirstContact: (info) => firstContacts.push(info.spkiSha256) });
    const a = {
      host: 'Race.Example',
      port: 1958,
      chain: [],
      certSha256: 'a1'.repeat(32),
      spkiSha256: 'a2'.repeat(32),
    };
    const b = {
      host: 'race.example.',
      port: 1958,
      chain: [],
      certSha256: 'b1'.repeat(32),
      spkiSha256: 'b2'.repeat(32),
    };
    const results = await Promise.allSettled([verify(a), verify(b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    const refusal = (results[1] as PromiseRejectedResult).reason as HostKeyChangedError;
    expect(refusal).toBeInstanceOf(HostKeyChangedError);
    expect(refusal.message).toMatch(/public key changed/);
    expect(firstContacts).toEqual(['a2'.repeat(32)]);
    expect((await store.get('race.example', 1958))?.spkiSha256).toBe('a2'.repeat(32));
  });
});
