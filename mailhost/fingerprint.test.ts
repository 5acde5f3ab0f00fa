import { describe, expect, it } from 'vitest';
import { certificateFingerprint } from '../src/lib/identity/x509';
import { fingerprintOf } from './fingerprint';

describe('fingerprintOf', () => {
  it('equals the identity library fingerprint', async () => {
    const bytes = new Uint8Array(Array.from({ length: 700 }, (_, i) => (i * 37) & 0xff));
    expect(fingerprintOf(bytes)).toBe(await certificateFingerprint(bytes));
    expect(fingerprintOf(new Uint8Array())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
