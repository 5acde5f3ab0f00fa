import { describe, expect, it } from 'vitest';
import {
  acceptFingerprintChange,
  ContactError,
  MemoryContactStore,
  normalizeFingerprint,
  recordFingerprint,
} from './contacts';

const fpA = 'a'.repeat(64);
const fpB = 'b'.repeat(64);
const day1 = new Date('2026-11-01T00:00:00Z');
const day2 = new Date('2026-11-02T00:00:00Z');
const day3 = new Date('2026-11-03T00:00:00Z');

describe('recordFingerprint (TOFU)', () => {
  it('stores a new address, then confirms the same fingerprint and updates lastSeen', async () => {
    const store = new MemoryContactStore();
    const first = await recordFingerprint(store, 'bee@Hive.Example', fpA, 'first-use', day1, 'Worker bee');
    expect(first.status).toBe('new');
    expect(first.contact).toMatchObject({
      address: 'bee@hive.example',
      fingerprint: fpA,
      verifiedBy: 'first-use',
    });
    // Fingerprints arrive with colons and upper case from some implementations (misfin-protocol.md §13).
    const colons = fpA.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const again = await recordFingerprint(store, 'bee@hive.example', colons, 'probe', day2);
    expect(again.status).toBe('same');
    expect(again.contact).toMatchObject({
      firstSeen: day1,
      lastSeen: day2,
      verifiedBy: 'probe',
      displayName: 'Worker bee',
    });
    expect(await store.list()).toHaveLength(1);
  });

  it('reports a changed fingerprint and keeps the stored one until the change is accepted', async () => {
    const store = new MemoryContactStore();
    await recordFingerprint(store, 'bee@hive.example', fpA, 'first-use', day1);
    const changed = await recordFingerprint(store, 'bee@hive.example', fpB, 'first-use', day2);
    expect(changed).toMatchObject({ status: 'changed', previous: fpA, seen: fpB });
    expect((await store.get('bee@hive.example'))?.fingerprint).toBe(fpA);
    expect((await store.get('bee@hive.example'))?.lastSeen).toEqual(day1);

    const accepted = await acceptFingerprintChange(store, 'bee@hive.example', fpB, 'manual', day3);
    expect(accepted).toMatchObject({ fingerprint: fpB, verifiedBy: 'manual', firstSeen: day3 });
    expect((await recordFingerprint(store, 'bee@hive.example', fpB, 'first-use', day3)).status).toBe('same');
  });

  it('does not let callers mutate stored contacts, and deletes', async () => {
    const store = new MemoryContactStore();
    const { contact } = await recordFingerprint(store, 'a@x.example', fpA, 'trust-list', day1);
    contact.fingerprint = fpB;
    expect((await store.get('a@x.example'))?.fingerprint).toBe(fpA);
    await store.delete('a@X.example');
    expect(await store.get('a@x.example')).toBeUndefined();
  });

  it('rejects addresses and fingerprints that are not well formed', async () => {
    const store = new MemoryContactStore();
    await expect(recordFingerprint(store, 'no-at-sign', fpA, 'first-use', day1)).rejects.toThrow(
      ContactError,
    );
    await expect(recordFingerprint(store, 'a@b', 'abcd', 'first-use', day1)).rejects.toThrow(ContactError);
    expect(() => normalizeFingerprint('z'.repeat(64))).toThrow(ContactError);
  });
});
