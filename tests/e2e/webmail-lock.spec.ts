import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { watchCsp } from '../support/csp-watch';
import { registerInNode, sendInNode } from '../support/node-mailbox';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { sync, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

async function registerProtected(page: Page, mailbox: string, passphrase: string): Promise<void> {
  const invite = await env.invite(mailbox);
  await page.goto(env.url);
  const form = page.getByRole('form', { name: 'Register a mailbox' });
  await form.getByLabel('Host').fill(env.hostField);
  await form.getByLabel('Mailbox name').fill(mailbox);
  await form.getByLabel('Invite code').fill(invite);
  await form.getByLabel(/^Passphrase to protect/).fill(passphrase);
  await form.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue(`${mailbox}@localhost`, {
    timeout: 20_000,
  });
}

test('a protected identity: backup, idle lock, wrong passphrase refused, and the backup re-imports', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const violations = await watchCsp(page);
  const problems = watchConsole(page);
  await registerProtected(page, 'lena', 'lena passphrase');

  // The backup reminder offers the wrapped file.
  const reminder = page.getByRole('region', { name: 'Take a backup of your identity' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    reminder.getByRole('button', { name: 'Download backup file' }).click(),
  ]);
  const backup = await readFile((await download.path()) ?? '', 'utf8');
  expect(JSON.parse(backup)).toMatchObject({ kdf: { name: 'PBKDF2' }, cipher: { name: 'AES-GCM' } });
  await reminder.getByRole('button', { name: 'Done' }).click();

  // A short idle time (3 s) locks the page; the mail disappears.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  const idle = page.getByRole('form', { name: 'Save lock time' });
  await idle.getByLabel('Lock after this many idle minutes').fill('0.05');
  await idle.getByRole('button', { name: 'Save lock time' }).click();
  const lock = page.getByRole('form', { name: 'Locked' });
  await expect(lock).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveCount(0);
  expect((await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()).violations).toEqual([]);

  await lock.getByLabel('Passphrase').fill('not the passphrase');
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(lock.getByRole('alert')).toContainText('does not open', { timeout: 20_000 });
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveCount(0);

  await lock.getByLabel('Passphrase').fill('lena passphrase');
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue('lena@localhost', {
    timeout: 20_000,
  });

  // After a reload a protected identity starts locked.
  await page.reload();
  await expect(page.getByRole('form', { name: 'Locked' })).toBeVisible({ timeout: 15_000 });

  // The backup file imports in another browser profile and reads the mailbox with the same key.
  const sender = await registerInNode(env, 'lena-friend', 'Friend');
  expect(await sendInNode(env, sender, 'lena', 'Backup check', 'Restored from the file.')).toBe(20);
  const other = await browser.newContext();
  const second = await other.newPage();
  const secondProblems = watchConsole(second);
  await second.goto(env.url);
  const form = second.getByRole('form', { name: 'Import an identity' });
  await form.getByLabel('Or paste the PEM text').fill(backup);
  await form.getByLabel('Passphrase (only for a protected export)').fill('lena passphrase');
  await form.getByLabel('Host port, if not 1958').fill(String(env.hostPort));
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(second.getByRole('combobox', { name: 'Identity' })).toHaveValue('lena@localhost', {
    timeout: 20_000,
  });
  await sync(second);
  await expect(
    second.getByRole('region', { name: 'Messages' }).getByRole('button', { name: /Backup check/ }),
  ).toBeVisible();
  await other.close();

  expect(await violations()).toEqual([]);
  expect([...problems, ...secondProblems]).toEqual([]);
});
