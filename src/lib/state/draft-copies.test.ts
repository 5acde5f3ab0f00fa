import { describe, expect, it } from 'vitest';
import type { GmapClient } from '../gemini/gmap-client';
import { parseRequest } from '../misfin/request-parser';

/** The whole request parsed; a request the parser still waits on is a test failure. */
function parsed(bytes: Uint8Array) {
  const request = parseRequest(bytes);
  if (request.kind === 'need-more') throw new Error('incomplete request');
  return request;
}
import { formatResponse } from '../misfin/response';
import type { TlsConnection } from '../tls/client';
import { DRAFT_ID_KEY, DraftCopies, draftRequest, type DraftCopyContext } from './draft-copies';

const gmapAddress = { mailbox: 'gmap', host: 'example.org', port: 1958 };

/** A host that keeps drafts like the mail host does: `MGID:` alone makes a new id, `MGID:<id>` replaces it. */
function fakeHost() {
  const drafts = new Map<string, string>();
  const calls: string[] = [];
  let next = 1;
  const ids = new Map<string, string>();
  const open = async (): Promise<TlsConnection> => {
    let reply: Uint8Array | undefined;
    return {
      write: async (data: Uint8Array) => {
        const text = new TextDecoder().decode(data);
        const message = text.slice(text.indexOf(' ') + 1).replace(/\r\n$/, '');
        const mgid = /^MGID:([^\n]*)\n/.exec(message);
        if (!mgid) throw new Error('no MGID line');
        const replaces = mgid[1] ?? '';
        calls.push(`store ${replaces || 'new'}`);
        if (replaces && !drafts.has(replaces)) reply = formatResponse(59, 'no such draft');
        else {
          drafts.set(replaces || `d${next++}`, message.slice(mgid[0].length));
          reply = formatResponse(20, 'f'.repeat(64));
        }
      },
      read: async () => {
        const out = reply;
        reply = undefined;
        return out ?? null;
      },
      close: async () => undefined,
    } as unknown as TlsConnection;
  };
  const gmap = {
    listIds: async (tag: string) => (calls.push(`list ${tag}`), [...drafts.keys()]),
    addTag: async (id: string, tag: string) => void calls.push(`tag ${id} ${tag}`),
    deleteMessage: async (id: string) => {
      calls.push(`delete ${id}`);
      drafts.delete(id);
    },
  } as unknown as GmapClient;
  const context: DraftCopyContext = {
    open,
    gmap,
    gmapAddress,
    ids: { get: async (k) => ids.get(k), set: async (k, v) => void (v ? ids.set(k, v) : ids.delete(k)) },
  };
  return { drafts, calls, ids, context };
}

describe('draftRequest', () => {
  it('puts the MGID line before the gemmail, B when it fits', () => {
    const bytes = draftRequest(
      gmapAddress,
      { body: '# Plan\nText\n', recipients: ['bob@example.org'] },
      'd7',
    );
    const request = parsed(bytes);
    expect(request.form).toBe('B');
    expect(request.message).toBe('MGID:d7\n: bob@example.org\n# Plan\nText\n');
  });

  it('moves to C for a long draft, the MGID line still first', () => {
    const bytes = draftRequest(gmapAddress, { body: 'x'.repeat(3000) });
    const request = parsed(bytes);
    expect(request.form).toBe('C');
    expect(request.message.startsWith('MGID:\n\n\n\nxxx')).toBe(true);
  });
});

describe('DraftCopies', () => {
  it('makes a new host draft, learns its id, then replaces it; removing trashes and deletes it', async () => {
    const host = fakeHost();
    const copies = new DraftCopies(() => host.context);
    await copies.save('local-1', { body: '# One\nfirst' });
    expect(host.ids.get(DRAFT_ID_KEY + 'local-1')).toBe('d1');
    await copies.save('local-1', { body: '# One\nsecond' });
    expect([...host.drafts]).toEqual([['d1', '# One\nsecond']]);
    await copies.remove('local-1');
    expect(host.drafts.size).toBe(0);
    expect(host.ids.size).toBe(0);
    expect(host.calls).toEqual([
      'list Drafts',
      'store new',
      'list Drafts',
      'store d1',
      'tag d1 Trash',
      'delete d1',
    ]);
  });

  it('a copy deleted elsewhere is forgotten, and the next save makes a new one', async () => {
    const host = fakeHost();
    const copies = new DraftCopies(() => host.context);
    await copies.save('local-1', { body: 'a' });
    host.drafts.clear();
    await copies.save('local-1', { body: 'b' });
    expect(host.ids.size).toBe(0);
    await copies.save('local-1', { body: 'c' });
    expect([...host.drafts.values()]).toEqual(['c']);
  });

  it('does nothing without a mailbox (self-signed identity)', async () => {
    const copies = new DraftCopies(() => undefined);
    await expect(copies.save('x', { body: 'a' })).resolves.toBeUndefined();
  });
});

describe('DraftCopies.schedule', () => {
  it('waits for a pause and saves only the last version; cancel drops it', async () => {
    const host = fakeHost();
    const copies = new DraftCopies(() => host.context, 20);
    copies.schedule('local-1', { body: 'a' });
    copies.schedule('local-1', { body: 'ab' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect([...host.drafts.values()]).toEqual(['ab']);
    copies.schedule('local-1', { body: 'abc' });
    copies.cancel('local-1');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect([...host.drafts.values()]).toEqual(['ab']);
  });
});
