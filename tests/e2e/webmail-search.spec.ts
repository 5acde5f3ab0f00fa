import { expect, test } from '@playwright/test';
import { watchCsp } from '../support/csp-watch';
import { registerInNode, sendInNode } from '../support/node-mailbox';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { register, sync, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('search finds a message by a word in its body as you type; conversations; keyboard shortcuts and help', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const violations = await watchCsp(page);
  const problems = watchConsole(page);
  await register(page, env, 'sara', 'Sara');
  const friend = await registerInNode(env, 'finn', 'Finn');
  expect(await sendInNode(env, friend, 'sara', 'Weekend plans', 'Shall we go to the aquarium?')).toBe(20);
  expect(await sendInNode(env, friend, 'sara', 'Groceries', 'Bread, cheese and tomatoes.')).toBe(20);
  expect(await sendInNode(env, friend, 'sara', 'Re: Weekend plans', 'Or the botanical garden.')).toBe(20);
  await sync(page);

  const list = page.getByRole('region', { name: 'Messages' });
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveCount(3);
  const search = list.getByRole('searchbox', { name: 'Search mail' });
  await search.pressSequentially('aquar');
  await expect(list.getByRole('status')).toHaveText('1 message found');
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveText([/Weekend plans/]);
  await search.fill('cheese bread');
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveText([/Groceries/]);
  await search.fill('');
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveCount(3);

  await list.getByRole('checkbox', { name: 'Group by conversation' }).check();
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveCount(2);
  await expect(list.getByRole('button', { name: /Re: Weekend plans \(2\)/ })).toBeVisible();

  await list.getByRole('checkbox', { name: 'Group by conversation' }).uncheck();

  // Keyboard: the help dialog, j/k, archive, "/" to search, and keys typed into a field stay text.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Next message');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // The list order (newest first; these arrived within a second) decides what j and k reach.
  const subjects = (await list.getByRole('button', { name: /Finn/ }).allTextContents()).map(
    (row) => ['Re: Weekend plans', 'Weekend plans', 'Groceries'].find((s) => row.includes(s)) ?? row,
  );
  const message = page.getByRole('article', { name: 'Message' });
  const heading = message.getByRole('heading', { level: 2 });
  await page.keyboard.press('j');
  await expect(heading).toHaveText(subjects[0] ?? '');
  await page.keyboard.press('j');
  await expect(heading).toHaveText(subjects[1] ?? '');
  await page.keyboard.press('k');
  await expect(heading).toHaveText(subjects[0] ?? '');
  await expect(page.locator(':focus')).toContainText(subjects[0] ?? '');
  await page.keyboard.press('e');
  await expect(list.getByRole('button', { name: /Finn/ })).toHaveCount(2);

  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await page.keyboard.type('jk');
  await expect(search).toHaveValue('jk');
  await expect(message).toBeHidden();
  await search.fill('');
  await page.keyboard.press('Escape');
  await page.keyboard.press('c');
  await expect(page.getByRole('form', { name: 'Compose' })).toBeVisible();
  await page.getByRole('form', { name: 'Compose' }).getByRole('textbox', { name: 'Subject' }).focus();
  await page.keyboard.type('g i');
  await expect(page.getByRole('form', { name: 'Compose' })).toBeVisible();
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(list.getByRole('heading', { name: 'Inbox' })).toBeVisible();

  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);
});
