// Issue 8's first screen: a returning user's page draws the newest rows of the stored mailbox first (one
// startup transaction, begun before the components mount) and then loads the rest of it (in slices) for the
// counts, the other folders, "Show more" and search. Messages go straight into IndexedDB, as in bench/ui.
import { expect, test } from '@playwright/test';
import { watchCsp } from '../support/csp-watch';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { register, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

const STORED = 1_234;

/** Stores `count` messages for `owner`, one a minute; every 7th is unread, every 10th archived; only the
 * oldest mentions a zebrafinch. */
async function seed(page: import('@playwright/test').Page, owner: string, count: number): Promise<void> {
  await page.evaluate(
    async ({ owner, count }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('misfin-webmail');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction('messages', 'readwrite');
      const start = Date.UTC(2026, 0, 1);
      for (let i = 0; i < count; i++) {
        const at = start + i * 60_000;
        const stamp = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const folder = i % 10 === 0 ? 'Archive' : 'Inbox';
        const subject = `Report number ${i}`;
        tx.objectStore('messages').put({
          owner,
          id: `m${i}`,
          tags: i % 7 === 0 ? [folder, 'Unread'] : [folder],
          raw: `friend@example.org Friend\n${owner}\n${stamp}\n# ${subject}\n${i === 0 ? 'Zebrafinch sighted.' : 'Weekly figures.'}\n`,
          subject,
          fromAddress: 'friend@example.org',
          fromName: 'Friend',
          receivedAt: at,
          threadKey: subject,
        });
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { owner, count },
  );
}

test('a reload draws the newest stored rows first, then the whole mailbox: counts, show more, search', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const violations = await watchCsp(page);
  const problems = watchConsole(page);
  await register(page, env, 'stella', 'Stella');
  await seed(page, 'stella@localhost', STORED);
  // With the host down the page shows what it has stored and a sync does not replace it.
  await env.stopHost();

  await page.reload();
  const list = page.getByRole('region', { name: 'Messages' });
  const rows = list.getByRole('listitem');
  // Newest first: message 1233 is in the Inbox (1230 is archived), and it is unread (1232 is not).
  await expect(rows.first()).toContainText('Report number 1233', { timeout: 20_000 });
  await expect(rows.nth(1)).toContainText('Report number 1232');
  await expect(rows.nth(3)).toContainText('Report number 1229');
  // The rest arrives: a full page of 100 rows, and the counts cover every stored message.
  await expect(rows).toHaveCount(100, { timeout: 20_000 });
  const unreadInbox = Array.from({ length: STORED }, (_, i) => i).filter((i) => i % 7 === 0 && i % 10 !== 0);
  await expect(
    page
      .getByRole('navigation', { name: 'Folders' })
      .getByRole('button', { name: `Inbox, ${unreadInbox.length} unread` }),
  ).toBeVisible();
  await list.getByRole('button', { name: 'Show more messages' }).click();
  await expect(rows).toHaveCount(200);

  // The oldest message (archived, and in the first slice read) is found by a word of its body.
  await list.getByRole('searchbox', { name: 'Search mail' }).fill('zebrafinch');
  await expect(list.getByRole('status').filter({ hasText: 'found' })).toHaveText('1 message found', {
    timeout: 20_000,
  });
  await expect(list.getByRole('button', { name: /Report number 0\b/ })).toBeVisible();

  expect(await violations()).toEqual([]);
  // The page's sync finds the host down; Chromium notes each write the tunnel attempts after the bridge
  // closed it. Nothing else may be logged.
  expect(problems.filter((p) => p !== 'WebSocket is already in CLOSING or CLOSED state.')).toEqual([]);
});
