// GMAP on the Misfin port (doc §15, contract mailhost-api.md): every endpoint and the authentication failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxAddCommand } from '../../mailhost/admin';
import { misfinB, rawRequest, selfSignedIdentity, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

let host: TestHost;
let other: TestHost;
let alice: TestIdentity;
let bob: TestIdentity;
let selfMade: TestIdentity;
const ids: string[] = [];

const gmap = (identity: TestIdentity | undefined, path: string) =>
  rawRequest(host.port, `gemini://localhost${path}\r\n`, identity ? { identity } : {});

beforeAll(async () => {
  selfMade = await selfSignedIdentity('sam', 'localhost');
  host = await startTestHost('localhost', {
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
      bob = await addMailboxWithCert(dir, 'bob');
      await mailboxAddCommand(dir, 'sam', { fingerprint: selfMade.fingerprint });
    },
  });
  other = await startTestHost('localhost');
  for (const text of ['# one', '# two', '# three']) {
    const response = await rawRequest(host.port, misfinB('alice@localhost', text), { identity: bob });
    expect(response.status).toBe(20);
    await new Promise((r) => setTimeout(r, 5));
  }
  ids.push(...(await gmap(alice, '/tag/Inbox')).body.split(','));
});

afterAll(async () => {
  await host?.stop();
  await other?.stop();
});

describe('GMAP endpoints', () => {
  it('/tag/<tag> lists ids (new mail is Inbox + Unread), oldest first', async () => {
    expect(ids).toHaveLength(3);
    const inbox = await gmap(alice, '/tag/Inbox');
    expect(inbox.status).toBe(20);
    expect(inbox.meta).toBe('text/plain');
    expect((await gmap(alice, '/tag/Unread')).body).toBe(ids.join(','));
    expect((await gmap(alice, '/tag/Archive')).body).toBe('');
    expect([...ids].sort()).toEqual(ids);
  });

  it('/msgid/<id> returns the message in C wire form, /tags/<id> its tags', async () => {
    const message = await gmap(alice, `/msgid/${ids[1]}`);
    expect(message.status).toBe(20);
    expect(message.body.split('\n')[0]).toBe('bob@localhost bob tester');
    expect(message.body).toContain('# two');
    const tags = (await gmap(alice, `/tags/${ids[1]}`)).body.split(',');
    expect(tags).toEqual(expect.arrayContaining(['Inbox', 'Unread', 'SenderVerified', 'ViaKnown']));
  });

  it('/tag/<tag>/<time> lists ids received since then', async () => {
    const since = new Date(Number(ids[2]!.slice(0, 13)) + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await gmap(alice, `/tag/Inbox/${since}`)).body).toBe('');
    expect((await gmap(alice, '/tag/Inbox/2000-01-01T00:00:00Z')).body).toBe(ids.join(','));
    expect((await gmap(alice, '/tag/Inbox/yesterday')).status).toBe(59);
  });

  it('/tag/<tag>?<id> and /untag/<tag>?<id> change tags durably', async () => {
    expect((await gmap(alice, `/tag/Archive?${ids[0]}`)).body).toBe('ok');
    expect((await gmap(alice, `/untag/Unread?${ids[0]}`)).body).toBe('ok');
    expect((await gmap(alice, '/tag/Archive')).body).toBe(ids[0]);
    expect((await gmap(alice, '/tag/Unread')).body).toBe(ids.slice(1).join(','));
    expect((await gmap(alice, `/tag/Bad$Tag?${ids[0]}`)).status).toBe(59);
  });

  it('Trash hides a message from /tag/, and /delete works only for Trash', async () => {
    expect((await gmap(alice, `/delete?${ids[2]}`)).status).toBe(59);
    expect((await gmap(alice, `/tag/Trash?${ids[2]}`)).body).toBe('ok');
    expect((await gmap(alice, '/tag/')).body).toBe(ids.slice(0, 2).join(','));
    expect((await gmap(alice, `/delete?${ids[2]}`)).body).toBe('ok');
    expect((await gmap(alice, `/msgid/${ids[2]}`)).status).toBe(51);
    expect((await gmap(alice, `/tags/${ids[2]}`)).status).toBe(51);
  });

  it('51 for unknown ids, 59 for bad requests, 53 for other domains', async () => {
    expect((await gmap(alice, '/msgid/0000000000000-deadbeef')).status).toBe(51);
    expect((await gmap(alice, '/tag/Inbox?0000000000000-deadbeef')).status).toBe(51);
    expect((await gmap(alice, '/msgid/../../etc/passwd')).status).toBe(59);
    expect((await gmap(alice, '/nothing')).status).toBe(59);
    expect(
      (await rawRequest(host.port, 'gemini://example.org/tag/Inbox\r\n', { identity: alice })).status,
    ).toBe(53);
  });

  it('mailboxes are separate: bob does not see alice mail', async () => {
    expect((await gmap(bob, '/tag/Inbox')).body).toBe('');
    expect((await gmap(bob, `/msgid/${ids[0]}`)).status).toBe(51);
  });

  it('accepts a registered self-signed certificate (the mailbox fingerprint)', async () => {
    expect((await gmap(selfMade, '/tag/Inbox')).status).toBe(20);
  });
});

describe('GMAP authentication failures', () => {
  it('60 without a certificate', async () => {
    expect((await gmap(undefined, '/tag/Inbox')).status).toBe(60);
  });

  it('61 for a self-signed certificate claiming a mailbox', async () => {
    const forged = await selfSignedIdentity('alice', 'localhost');
    expect((await gmap(forged, '/tag/Inbox')).status).toBe(61);
  });

  it('61 for a certificate signed by another host CA with the same host name', async () => {
    const foreign = await addMailboxWithCert(other.dataDir, 'alice');
    expect((await gmap(foreign, '/tag/Inbox')).status).toBe(61);
  });

  it('61 for a CA-signed certificate whose mailbox does not exist', async () => {
    const ghost = await addMailboxWithCert(host.dataDir, 'ghost');
    const dir = host.running.context.domains.get('localhost')!;
    dir.mailboxes.delete('ghost');
    const { rm } = await import('node:fs/promises');
    await rm(`${host.dataDir}/domains/localhost/mailboxes/ghost`, { recursive: true });
    expect((await gmap(ghost, '/tag/Inbox')).status).toBe(61);
  });

  it('62 for an expired certificate', async () => {
    const expired = await selfSignedIdentity('sam', 'localhost', {
      now: new Date(Date.now() - 5 * 86_400_000),
      validDays: 1,
    });
    expect((await gmap(expired, '/tag/Inbox')).status).toBe(62);
  });
});
