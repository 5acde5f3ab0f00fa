// Sender verification with two real hosts (seeds 000/001): host CA signature, probe, forged certificate,
// changed fingerprint, unreachable host. Both hosts run on 127.0.0.1; resolveHost maps names to ports.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxAddCommand } from '../../mailhost/admin';
import type { ResolveHost } from '../../mailhost/outbound';
import { misfinB, rawRequest, selfSignedIdentity, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

const table = new Map<string, number>();
// hostc.test is mapped to a port nothing listens on: "the sender's host is unreachable".
const resolveHost: ResolveHost = (host, port) => ({
  host: '127.0.0.1',
  port: table.get(host) ?? (host === 'hostc.test' ? 1 : port),
});

/** Host A's clock runs `skew` ms ahead, to pass its verification cache lifetime. */
let skew = 0;
let a: TestHost;
let b: TestHost;
let alice: TestIdentity;
let bob: TestIdentity;
let carol: TestIdentity;
let dave: TestIdentity;

const seenIds = new Set<string>();

/** Tags of the one message that arrived since the last call (ids sort by receipt time, which is skewed here). */
async function tagsOfLatest(identity: TestIdentity): Promise<string[]> {
  const options = { identity, servername: 'hosta.test' };
  const ids = (await rawRequest(a.port, 'gemini://hosta.test/tag/Inbox\r\n', options)).body.split(',');
  const fresh = ids.filter((id) => !seenIds.has(id));
  expect(fresh).toHaveLength(1);
  seenIds.add(fresh[0]!);
  const tags = await rawRequest(a.port, `gemini://hosta.test/tags/${fresh[0]}\r\n`, options);
  return tags.body.split(',');
}

const send = (from: TestIdentity, message: string) =>
  rawRequest(a.port, misfinB('alice@hosta.test', message), { identity: from, servername: 'hosta.test' });

beforeAll(async () => {
  a = await startTestHost('hosta.test', {
    resolveHost,
    now: () => Date.now() + skew,
    settings: { outboundTimeoutMs: 3000, verifyTtlMs: 3_600_000 },
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
    },
  });
  carol = await selfSignedIdentity('carol', 'hostb.test', { displayName: 'Carol' });
  b = await startTestHost('hostb.test', {
    resolveHost,
    setup: async (dir) => {
      bob = await addMailboxWithCert(dir, 'bob');
      dave = await addMailboxWithCert(dir, 'dave');
      // Carol brought her own self-signed identity (seed 003): B knows only its fingerprint.
      await mailboxAddCommand(dir, 'carol', { fingerprint: carol.fingerprint });
    },
  });
  table.set('hosta.test', a.port);
  table.set('hostb.test', b.port);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe('sender verification across hosts', () => {
  it('accepts a sender whose certificate the sender host CA signed (ViaHostCA)', async () => {
    const response = await send(bob, '# hi from b');
    expect(response.status).toBe(20);
    expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderVerified', 'ViaHostCA']));
  });

  it('accepts a known sender again from the cache (ViaKnown)', async () => {
    expect((await send(bob, 'again')).status).toBe(20);
    expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderVerified', 'ViaKnown']));
  });

  it('re-verifies a known sender once the cached outcome is older than verifyTtlMs', async () => {
    skew = 2 * 3_600_000;
    try {
      expect((await send(bob, 'much later')).status).toBe(20);
      expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderVerified', 'ViaHostCA']));
      expect((await send(bob, 'and again')).status).toBe(20);
      expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderVerified', 'ViaKnown']));
    } finally {
      skew = 0;
    }
  });

  it('verifies a self-signed sender by probing the address with the host identity (ViaProbe)', async () => {
    expect((await send(carol, '# from carol')).status).toBe(20);
    expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderVerified', 'ViaProbe']));
    expect(a.logs.join('\n')).toContain('carol@hostb.test ViaProbe');
    // The probe presented host A's own identity (seed 000: "using the satch.xyz's admin/CA certificate").
    const caA = a.running.context.domains.get('hosta.test')!.ca.fingerprint;
    expect(b.logs.join('\n')).toContain(`probe carol@hostb.test by ${caA}`);
  });

  it('refuses a forged certificate claiming an address of the other host (63)', async () => {
    const forged = await selfSignedIdentity('dave', 'hostb.test', { displayName: 'Not Dave' });
    expect(forged.fingerprint).not.toBe(dave.fingerprint);
    const response = await send(forged, 'trust me');
    expect(response.status).toBe(63);
    expect(response.meta).toContain('vouches for another certificate');
  });

  it('refuses a known address presenting a different fingerprint (63)', async () => {
    const other = await selfSignedIdentity('bob', 'hostb.test');
    const response = await send(other, 'new key, who dis');
    expect(response.status).toBe(63);
    expect(response.meta).toContain('known with another certificate');
  });

  it('delivers mail from an unreachable host, tagged unverified (ViaNone)', async () => {
    const zoe = await selfSignedIdentity('zoe', 'hostc.test');
    expect((await send(zoe, '# from nowhere')).status).toBe(20);
    expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderUnverified', 'ViaNone']));
  });

  it('pins the other host key and stops trusting it when the key changes', async () => {
    // The first tests made host A fetch host B's certificate; it is pinned in A's known_hosts.
    const pinned = await readFile(join(a.dataDir, 'known_hosts'), 'utf8');
    expect(pinned).toMatch(/^hostb\.test:1958 [0-9a-f]{64} [0-9a-f]{64} /m);
    // Now "hostb.test" answers with another key (a takeover, or someone in the middle).
    let erin: TestIdentity | undefined;
    const impostor = await startTestHost('hostb.test', {
      setup: async (dir) => {
        erin = await addMailboxWithCert(dir, 'erin');
      },
    });
    table.set('hostb.test', impostor.port);
    skew = 4 * 3_600_000; // past every cached outcome
    try {
      expect((await send(erin!, '# signed by the impostor CA')).status).toBe(20);
      expect(await tagsOfLatest(alice)).toEqual(expect.arrayContaining(['SenderUnverified', 'ViaNone']));
      expect(a.logs.join('\n')).toMatch(/hostb\.test[^\n]*(changed|different)/i);
    } finally {
      skew = 0;
      table.set('hostb.test', b.port);
      await impostor.stop();
    }
  });
});
