// Mailing lists (seed 000): subscribe/unsubscribe by command message, re-send with the list identity keeping
// the original sender lines, loops refused. Subscribers live on the list's host and on a second host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxAddCommand } from '../../mailhost/admin';
import type { ResolveHost } from '../../mailhost/outbound';
import { parseGemmailC } from '../../src/lib/misfin/gemmail';
import { misfinB, misfinC, rawRequest, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

const table = new Map<string, number>();
const resolveHost: ResolveHost = (host, port) => ({ host: '127.0.0.1', port: table.get(host) ?? port });

let a: TestHost;
let b: TestHost;
let alice: TestIdentity;
let anna: TestIdentity;
let bob: TestIdentity;
let listFingerprint: string;

const toList = (from: TestIdentity, message: string) =>
  rawRequest(a.port, misfinB('news@hosta.test', message), { identity: from, servername: 'hosta.test' });

async function inbox(t: TestHost, identity: TestIdentity): Promise<string[]> {
  const list = await rawRequest(t.port, `gemini://${t.host}/tag/Inbox\r\n`, { identity, servername: t.host });
  const ids = list.body === '' ? [] : list.body.split(',');
  const texts: string[] = [];
  for (const id of ids) {
    texts.push(
      (await rawRequest(t.port, `gemini://${t.host}/msgid/${id}\r\n`, { identity, servername: t.host })).body,
    );
  }
  return texts;
}

beforeAll(async () => {
  a = await startTestHost('hosta.test', {
    resolveHost,
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
      anna = await addMailboxWithCert(dir, 'anna');
      const out = await mailboxAddCommand(dir, 'news', { list: true, blurb: 'News list' });
      listFingerprint = /List identity fingerprint: ([0-9a-f]{64})/.exec(out)![1]!;
    },
  });
  b = await startTestHost('hostb.test', {
    resolveHost,
    setup: async (dir) => {
      bob = await addMailboxWithCert(dir, 'bob');
    },
  });
  table.set('hosta.test', a.port);
  table.set('hostb.test', b.port);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe('mailing lists', () => {
  it('subscribes by command message and answers with the list fingerprint', async () => {
    for (const who of [alice, anna, bob]) {
      const response = await toList(who, 'subscribe');
      expect(response).toMatchObject({ status: 20, meta: listFingerprint });
    }
    const meta = (await a.running.context.domains.get('hosta.test')!.mailbox('news'))!.meta;
    expect(meta.subscribers).toEqual(['alice@hosta.test', 'anna@hosta.test', 'bob@hostb.test']);
  });

  it('re-sends a post to every other subscriber with the list identity, keeping the author line', async () => {
    const response = await toList(alice, '# Flowers\nThe green ones bite.');
    expect(response.status).toBe(20);
    await a.running.context.lists.settle();
    const [atB] = await inbox(b, bob);
    const mail = parseGemmailC(atB!);
    expect(mail.senders.map((s) => s.address)).toEqual(['news@hosta.test', 'alice@hosta.test']);
    expect(mail.subject).toBe('Flowers');
    const [atA] = await inbox(a, anna);
    expect(parseGemmailC(atA!).senders.map((s) => s.address)).toEqual([
      'news@hosta.test',
      'alice@hosta.test',
    ]);
    // The author does not get a copy of their own post.
    expect(await inbox(a, alice)).toHaveLength(0);
    // Host B verified the list as a sender signed by host A's CA.
    const ids = (
      await rawRequest(b.port, 'gemini://hostb.test/tag/Inbox\r\n', {
        identity: bob,
        servername: 'hostb.test',
      })
    ).body;
    const tags = await rawRequest(b.port, `gemini://hostb.test/tags/${ids}\r\n`, {
      identity: bob,
      servername: 'hostb.test',
    });
    expect(tags.body.split(',')).toEqual(expect.arrayContaining(['SenderVerified', 'ViaHostCA']));
  });

  it('refuses a post whose sender lines already carry the list (loop)', async () => {
    const looped = 'news@hosta.test News list,alice@hosta.test\n\n2024-01-01T00:00:00Z\n# Again\n';
    const response = await rawRequest(a.port, misfinC('news@hosta.test', looped), {
      identity: bob,
      servername: 'hosta.test',
    });
    expect(response.status).toBe(50);
    expect(response.meta).toContain('loop');
  });

  it('refuses posts from non-subscribers and stops sending after unsubscribe', async () => {
    expect((await toList(anna, 'unsubscribe')).status).toBe(20);
    expect((await toList(anna, '# Still here?')).status).toBe(61);
    expect((await toList(bob, '# Second post')).status).toBe(20);
    await a.running.context.lists.settle();
    expect(await inbox(a, anna)).toHaveLength(1);
    const atAlice = await inbox(a, alice);
    expect(atAlice).toHaveLength(1);
    expect(parseGemmailC(atAlice[0]!).senders.map((s) => s.address)).toEqual([
      'news@hosta.test',
      'bob@hostb.test',
    ]);
  });
});
