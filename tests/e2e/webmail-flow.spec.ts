import { expect, test } from '@playwright/test';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, openFolder, register, results, sync, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('register, send, read with verification, reply, and see the reply and the Sent copy', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  const bob = await bobContext.newPage();
  const problems = [...watchConsole(alice), ...watchConsole(bob)];

  // 1. Register two mailboxes with invite codes; each page makes its own key and CSR.
  await register(alice, env, 'alice', 'Alice');
  await register(bob, env, 'bob', 'Bob');

  // 2. Alice writes to Bob; the byte counter shows the Misfin(B) budget.
  await compose(
    alice,
    'bob@localhost',
    'Hello Bob',
    'Hi Bob,\n\n* one\n* two\n\n=> gemini://example.org/ a link',
  );
  await expect(alice.getByRole('status', { name: 'Bytes left' })).toContainText('of 2,048 (Misfin B)');
  await alice.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(alice)).toContainText('Delivered to bob@localhost', { timeout: 20_000 });

  // 3. Bob sees it in the Inbox, with the sender's name, address and verification state.
  await sync(bob);
  const inbox = bob.getByRole('region', { name: 'Messages' });
  await expect(
    bob.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'Inbox, 1 unread' }),
  ).toBeVisible();
  await inbox.getByRole('button', { name: /Alice.*Hello Bob/ }).click();
  const message = bob.getByRole('article', { name: 'Message' });
  await expect(message).toContainText('Alice');
  await expect(message).toContainText('<alice@localhost>');
  await expect(message.getByLabel(/^Verification: Sender verified/)).toBeVisible();
  const body = message.getByRole('region', { name: 'Message text' });
  await expect(body.getByRole('listitem')).toHaveText(['one', 'two']);
  await expect(body.getByRole('link', { name: 'a link' })).toHaveAttribute('href', 'gemini://example.org/');
  await expect(
    bob.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: 'Inbox' }),
  ).toBeVisible();

  // 4. Bob replies: the reply goes to the sender, with a Re: subject.
  await message.getByRole('button', { name: 'Reply', exact: true }).click();
  const form = bob.getByRole('form', { name: 'Compose' });
  await expect(form.getByRole('textbox', { name: 'To' })).toHaveValue('alice@localhost');
  await expect(form.getByRole('textbox', { name: 'Subject' })).toHaveValue('Re: Hello Bob');
  await form.getByRole('textbox', { name: 'Message' }).press('Control+Home');
  await form.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi Alice!');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(results(bob)).toContainText('Delivered to alice@localhost', { timeout: 20_000 });

  // 5. Alice sees the reply, and her Sent folder holds the copy kept by her host.
  await sync(alice);
  await openFolder(alice, 'Inbox');
  await expect(
    alice.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Bob.*Re: Hello Bob/ }),
  ).toBeVisible();
  await openFolder(alice, 'Sent');
  await expect(
    alice.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Hello Bob/ }),
  ).toBeVisible();

  // Tag changes go back to the host: Bob archives the message, and a fresh sync after a reload agrees.
  await openFolder(bob, 'Inbox');
  await bob
    .getByRole('region', { name: 'Messages' })
    .getByRole('button', { name: /Hello Bob/ })
    .click();
  await bob.getByRole('article', { name: 'Message' }).getByRole('button', { name: 'Archive' }).click();
  await expect(
    bob.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Hello Bob/ }),
  ).toHaveCount(0);
  await bob.reload();
  await sync(bob);
  await openFolder(bob, 'Archive');
  await expect(
    bob.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Hello Bob/ }),
  ).toBeVisible();

  // Reloading loses nothing.
  await alice.reload();
  await openFolder(alice, 'Inbox');
  await expect(
    alice.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Re: Hello Bob/ }),
  ).toBeVisible();

  expect(problems).toEqual([]);
  await aliceContext.close();
  await bobContext.close();
});
