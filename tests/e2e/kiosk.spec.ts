import { expect, test } from '@playwright/test';
import { exportWrappedIdentity } from '../../src/lib/identity/export';
import { storageLeft, watchCsp } from '../support/csp-watch';
import { registerInNode, sendInNode } from '../support/node-mailbox';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('shared computer: sign in with a wrapped identity, read mail, sign out, and nothing is left', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const reader = await registerInNode(env, 'kiosk', 'Kiosk Reader');
  const sender = await registerInNode(env, 'sender', 'Sam Sender');
  expect(await sendInNode(env, sender, 'kiosk', 'Library hours', 'The library opens at nine.')).toBe(20);
  const wrapped = await exportWrappedIdentity(reader, 'kiosk passphrase');

  const violations = await watchCsp(page);
  const problems = watchConsole(page);
  await page.goto(env.url);
  await page.getByRole('radio', { name: 'Shared computer' }).check();
  const form = page.getByRole('form', { name: 'Import an identity' });
  await form.getByLabel('Or paste the PEM text').fill(wrapped);
  await form.getByLabel('Passphrase (only for a protected export)').fill('kiosk passphrase');
  await form.getByLabel('Host port, if not 1958').fill(String(env.hostPort));
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue('kiosk@localhost', {
    timeout: 20_000,
  });
  await expect(page.getByText(/Shared computer: nothing is kept/)).toBeVisible();

  // The mail is read over GMAP into memory only.
  const list = page.getByRole('region', { name: 'Messages' });
  await list.getByRole('button', { name: /Sam Sender.*Library hours/ }).click({ timeout: 20_000 });
  await expect(page.getByRole('article', { name: 'Message' })).toContainText('The library opens at nine.');

  // Nothing was written to the browser while signed in, either: no database, no cache, no service worker
  // (only a device-mode page registers one).
  expect(await storageLeft(page)).toMatchObject({
    databases: [],
    localStorage: [],
    caches: [],
    serviceWorkers: 0,
  });

  // Sign-out clears everything and lands on a fresh visit, which registers nothing.
  const unregistered = page.waitForRequest((r) => r.url().endsWith('/sign-out') && r.method() === 'POST');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await unregistered;
  await expect(page.getByRole('radio', { name: 'Shared computer' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveCount(0);
  expect(await storageLeft(page)).toMatchObject({
    databases: [],
    localStorage: [],
    caches: [],
    serviceWorkers: 0,
  });
  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);
});
