import { expect, test } from '@playwright/test';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, openFolder, register, results, sync } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('a message sent while the host is down stays in the outbox and is delivered after a reload', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await register(page, env, 'olive', 'Olive');
  await env.invite('oscar'); // the invite reserves the mailbox, so it receives mail already

  await env.stopHost();
  await compose(page, 'oscar@localhost', 'While you were out', 'The host is down right now.');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('Could not reach oscar@localhost', { timeout: 20_000 });

  const sections = page.getByRole('navigation', { name: 'Sections' });
  await sections.getByRole('button', { name: /^Outbox/ }).click();
  const outbox = page.getByRole('region', { name: 'Outbox' });
  await expect(outbox.getByRole('listitem', { name: 'To oscar@localhost' })).toBeVisible();

  // The outbox survives a reload; once the host is back, the reload sends it.
  await env.startHost();
  await page.reload();
  await expect(results(page)).toContainText('Delivered to oscar@localhost', { timeout: 20_000 });
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: /^Outbox/ })
    .click();
  await expect(page.getByRole('region', { name: 'Outbox' })).toContainText('Nothing waiting to be sent.', {
    timeout: 20_000,
  });
});

test('tag changes made while the host is down wait in a queue and reach the host later', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const page = await (await browser.newContext()).newPage();
  await register(page, env, 'quinn', 'Quinn');
  await compose(page, 'quinn@localhost', 'Note to self', 'Archive me.');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('Delivered to quinn@localhost', { timeout: 20_000 });
  await sync(page);
  await openFolder(page, 'Inbox');
  const list = page.getByRole('region', { name: 'Messages' });
  await list.getByRole('button', { name: /Note to self/ }).click();

  await env.stopHost();
  await page.getByRole('article', { name: 'Message' }).getByRole('button', { name: 'Archive' }).click();
  await openFolder(page, 'Archive');
  await expect(list.getByRole('button', { name: /Note to self/ })).toBeVisible();
  await expect(list.getByRole('status')).toContainText('changes wait until it is back', { timeout: 20_000 });

  // Back online: the queued change goes to the host before the next listing. To see what the host itself
  // holds, the messages stored in this browser are thrown away and fetched again.
  await env.startHost();
  await page.reload();
  await sync(page);
  const queued = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('misfin-webmail');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const count = await new Promise<number>((resolve, reject) => {
      const request = db.transaction('tagQueue').objectStore('tagQueue').count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('messages', 'readwrite');
      tx.objectStore('messages').clear();
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return count;
  });
  expect(queued).toBe(0);
  await page.reload();
  await sync(page);
  await openFolder(page, 'Archive');
  await expect(list.getByRole('button', { name: /Note to self/ })).toBeVisible();
  await openFolder(page, 'Inbox');
  await expect(list.getByRole('button', { name: /Note to self/ })).toHaveCount(0);
});
