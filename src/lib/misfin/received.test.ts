import { describe, expect, it } from 'vitest';
import { GemmailError } from './errors';
import { parseGemmailB, parseGemmailC } from './gemmail';
import { isProbeMessage, stampReceivedB, stampReceivedC, toStoredGemmail } from './received';

const at = new Date(Date.UTC(2026, 1, 11, 12, 0, 0));
const alice = { address: 'alice@mail.example.com', name: 'Alice' };

describe('receiving-side helpers', () => {
  it('recognises probes (§19 #4)', () => {
    expect(isProbeMessage('')).toBe(true);
    expect(isProbeMessage(' \n\t')).toBe(true);
    expect(isProbeMessage('\n\n\nhi')).toBe(false);
  });

  it('stamps B with < and @ lines on top, keeping forwarded lines below', () => {
    const stamped = stampReceivedB('< old@h Old\n@ 2023-05-09T19:39:15Z\n# Fwd: x\n', alice, at);
    expect(stamped).toBe(
      '< alice@mail.example.com Alice\n@ 2026-02-11T12:00:00Z\n< old@h Old\n@ 2023-05-09T19:39:15Z\n# Fwd: x\n',
    );
    const mail = parseGemmailB(stamped);
    expect(mail.senders.map((s) => s.address)).toEqual(['alice@mail.example.com', 'old@h']);
    expect(mail.receivedAt?.toISOString()).toBe('2026-02-11T12:00:00.000Z');
  });

  it('stamps C by prepending to the metadata lines (doc §8)', () => {
    expect(stampReceivedC('\nbob@mail.example.com\n\n# Re: Meeting tomorrow\n', alice, at)).toBe(
      'alice@mail.example.com Alice\nbob@mail.example.com\n2026-02-11T12:00:00Z\n# Re: Meeting tomorrow\n',
    );
    expect(() => stampReceivedC('no metadata', alice, at)).toThrow(GemmailError);
  });

  it('converts B to the stored C form, recording the recipient when there is no recipients line', () => {
    const stored = toStoredGemmail('# Hi\nthere', 'B', { sender: alice, at, recipient: 'bob@h' });
    expect(stored).toBe('alice@mail.example.com Alice\nbob@h\n2026-02-11T12:00:00Z\n# Hi\nthere');
    const group = toStoredGemmail(': b@h c@h\n# Hi', 'B', { sender: alice, at, recipient: 'b@h' });
    expect(parseGemmailC(group).recipients).toEqual(['b@h', 'c@h']);
    const fromC = toStoredGemmail('\n\n\nbody', 'C', { sender: { address: 'a@h' }, at, recipient: 'b@h' });
    expect(fromC).toBe('a@h\nb@h\n2026-02-11T12:00:00Z\nbody');
  });
});
