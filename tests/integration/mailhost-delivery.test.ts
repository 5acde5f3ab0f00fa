// Misfin(B) and (C) delivery against a real host on 127.0.0.1, and every status path of issue 6.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGemmailC } from '../../src/lib/misfin/gemmail';
import {
  misfinB,
  misfinC,
  opensslIdentity,
  rawRequest,
  selfSignedIdentity,
  type TestIdentity,
} from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';
import { mailboxAddCommand } from '../../mailhost/admin';

let host: TestHost;
let alice: TestIdentity;
let bob: TestIdentity;

async function gmap(identity: TestIdentity, path: string) {
  return rawRequest(host.port, `gemini://localhost${path}\r\n`, { identity });
}

beforeAll(async () => {
  host = await startTestHost('localhost', {
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
      bob = await addMailboxWithCert(dir, 'bob');
      await mailboxAddCommand(dir, 'tiny', {});
    },
    // Every other host is "unreachable": mapped to a loopback port nothing listens on.
    resolveHost: () => ({ host: '127.0.0.1', port: 1 }),
    settings: { outboundTimeoutMs: 2000 },
  });
  // A tiny quota for the 45 test.
  const tiny = (await host.running.context.domains.get('localhost')!.mailbox('tiny'))!;
  tiny.meta.quota = { maxMessages: 1, maxBytes: 100_000 };
});

afterAll(async () => {
  await host?.stop();
});

describe('mail host delivery', () => {
  it('delivers Misfin(B), prepending sender and timestamp, and answers the recipient fingerprint', async () => {
    const before = Date.now();
    const response = await rawRequest(
      host.port,
      misfinB('bob@localhost', '# Hello\nWhere are the flowers?'),
      {
        identity: alice,
      },
    );
    expect(response.status).toBe(20);
    expect(response.meta).toBe(bob.fingerprint);
    const ids = (await gmap(bob, '/tag/Inbox')).body.split(',');
    expect(ids).toHaveLength(1);
    const message = await gmap(bob, `/msgid/${ids[0]}`);
    const mail = parseGemmailC(message.body);
    expect(mail.senders[0]).toEqual({ address: 'alice@localhost', name: 'alice tester' });
    expect(mail.receivedAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(mail.subject).toBe('Hello');
    expect(mail.body).toBe('# Hello\nWhere are the flowers?');
    const tags = (await gmap(bob, `/tags/${ids[0]}`)).body.split(',').sort();
    expect(tags).toEqual(['Inbox', 'SenderVerified', 'Unread', 'ViaKnown'].sort());
  });

  it('delivers Misfin(C) with its metadata lines kept after the prepended ones', async () => {
    const body =
      'carol@elsewhere.test\nbob@localhost,dave@localhost\n2024-01-01T00:00:00Z\n# Forwarded\n\n' +
      'x'.repeat(3000);
    const response = await rawRequest(host.port, misfinC('alice@localhost', body), { identity: bob });
    expect(response.status).toBe(20);
    expect(response.meta).toBe(alice.fingerprint);
    const ids = (await gmap(alice, '/tag/Inbox')).body.split(',');
    const mail = parseGemmailC((await gmap(alice, `/msgid/${ids.at(-1)}`)).body);
    expect(mail.senders.map((s) => s.address)).toEqual(['bob@localhost', 'carol@elsewhere.test']);
    expect(mail.recipients).toEqual(['bob@localhost', 'dave@localhost']);
    expect(mail.timestamps[1]).toBe('2024-01-01T00:00:00Z');
    expect(mail.body.endsWith('x'.repeat(3000))).toBe(true);
  });

  it('answers a probe (empty B or C message) with the mailbox fingerprint and stores nothing', async () => {
    const before = (await gmap(bob, '/tag/')).body;
    const b = await rawRequest(host.port, 'misfin://bob@localhost \r\n');
    expect(b).toMatchObject({ status: 20, meta: bob.fingerprint });
    const c = await rawRequest(host.port, 'misfin://bob@localhost\t0\r\n', { identity: alice });
    expect(c).toMatchObject({ status: 20, meta: bob.fingerprint });
    expect((await gmap(bob, '/tag/')).body).toBe(before);
  });

  it('51 for an unknown mailbox, 53 for a domain not served here', async () => {
    expect((await rawRequest(host.port, misfinB('nobody@localhost', 'hi'), { identity: alice })).status).toBe(
      51,
    );
    expect((await rawRequest(host.port, misfinB('bob@example.org', 'hi'), { identity: alice })).status).toBe(
      53,
    );
  });

  it('60 without a client certificate', async () => {
    expect((await rawRequest(host.port, misfinB('bob@localhost', 'hi'))).status).toBe(60);
  });

  it('62 for an expired certificate and for one without UID or SAN', async () => {
    const expired = await selfSignedIdentity('eve', 'localhost', {
      now: new Date(Date.now() - 10 * 86_400_000),
      validDays: 1,
    });
    expect((await rawRequest(host.port, misfinB('bob@localhost', 'hi'), { identity: expired })).status).toBe(
      62,
    );
    const noUid = await opensslIdentity('/CN=No Uid', 'DNS:localhost');
    expect((await rawRequest(host.port, misfinB('bob@localhost', 'hi'), { identity: noUid })).status).toBe(
      62,
    );
    const noSan = await opensslIdentity('/UID=nosan/CN=No San', undefined);
    expect((await rawRequest(host.port, misfinB('bob@localhost', 'hi'), { identity: noSan })).status).toBe(
      62,
    );
  });

  it('63 for a certificate claiming a local mailbox it is not', async () => {
    const forged = await selfSignedIdentity('alice', 'localhost');
    const response = await rawRequest(host.port, misfinB('bob@localhost', 'hi'), { identity: forged });
    expect(response.status).toBe(63);
  });

  it('delivers mail from an unreachable host as unverified', async () => {
    const stranger = await selfSignedIdentity('zed', 'unreachable.invalid');
    const response = await rawRequest(host.port, misfinB('bob@localhost', '# from afar'), {
      identity: stranger,
    });
    expect(response.status).toBe(20);
    const ids = (await gmap(bob, '/tag/SenderUnverified')).body.split(',');
    expect(ids).toHaveLength(1);
    expect((await gmap(bob, `/tags/${ids[0]}`)).body.split(',')).toContain('ViaNone');
  });

  it('45 when the mailbox quota is full', async () => {
    expect((await rawRequest(host.port, misfinB('tiny@localhost', 'one'), { identity: alice })).status).toBe(
      20,
    );
    const full = await rawRequest(host.port, misfinB('tiny@localhost', 'two'), { identity: alice });
    expect(full.status).toBe(45);
  });

  it('59 for malformed requests and a C message without its three metadata lines', async () => {
    expect((await rawRequest(host.port, 'hello there\r\n', { identity: alice })).status).toBe(59);
    expect(
      (await rawRequest(host.port, misfinC('bob@localhost', 'just one line'), { identity: alice })).status,
    ).toBe(59);
    expect((await rawRequest(host.port, 'misfin://bob@localhost\tabc\r\n', { identity: alice })).status).toBe(
      59,
    );
  });

  it('stores sent copies and drafts sent to gmap@HOST in the owner mailbox', async () => {
    const sent = await rawRequest(host.port, misfinB('gmap@localhost', '# Sent one\nto bob'), {
      identity: alice,
    });
    expect(sent).toMatchObject({ status: 20, meta: alice.fingerprint });
    const sentIds = (await gmap(alice, '/tag/Sent')).body.split(',');
    expect(sentIds).toHaveLength(1);
    expect((await gmap(alice, `/tags/${sentIds[0]}`)).body).toBe('Sent');
    const draft = await rawRequest(host.port, misfinB('gmap@localhost', 'MGID:\n# Draft v1'), {
      identity: alice,
    });
    expect(draft.status).toBe(20);
    const [draftId] = (await gmap(alice, '/tag/Drafts')).body.split(',');
    const update = await rawRequest(host.port, misfinB('gmap@localhost', `MGID:${draftId}\n# Draft v2`), {
      identity: alice,
    });
    expect(update.status).toBe(20);
    expect((await gmap(alice, '/tag/Drafts')).body).toBe(draftId);
    const text = (await gmap(alice, `/msgid/${draftId}`)).body;
    expect(text).toContain('# Draft v2');
    expect(text).not.toContain('MGID');
    const stranger = await selfSignedIdentity('mallory', 'elsewhere.invalid');
    expect((await rawRequest(host.port, misfinB('gmap@localhost', 'x'), { identity: stranger })).status).toBe(
      61,
    );
  });
});

describe('rate limits', () => {
  it('44 when one sender or one IP goes over its rate', async () => {
    const limited = await startTestHost('localhost', {
      setup: async (dir) => {
        await mailboxAddCommand(dir, 'carol', {});
      },
      settings: { senderRate: { perSecond: 0.01, burst: 2 }, ipRate: { perSecond: 0.01, burst: 5 } },
    });
    try {
      const sender = await addMailboxWithCert(limited.dataDir, 'sender');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await rawRequest(limited.port, misfinB('carol@localhost', `n${i}`), { identity: sender })).status,
        );
      }
      expect(statuses).toEqual([20, 20, 44]);
      const other = await addMailboxWithCert(limited.dataDir, 'other');
      const more: number[] = [];
      for (let i = 0; i < 3; i++) {
        more.push(
          (await rawRequest(limited.port, misfinB('carol@localhost', `m${i}`), { identity: other })).status,
        );
      }
      // The IP bucket (5) is empty after 3 + 2 requests, whoever sends.
      expect(more).toEqual([20, 20, 44]);
    } finally {
      await limited.stop();
    }
  });
});
