import { expect, test } from '@playwright/test';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, register, results, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('the byte counter switches from B to C and refuses to send over the limit', async ({ page }) => {
  const problems = watchConsole(page);
  await register(page, env, 'cora', 'Cora');
  await compose(page, 'dan@localhost', 'Sizes', 'short');
  const form = page.getByRole('form', { name: 'Compose' });
  const counter = form.getByRole('status', { name: 'Bytes left' });
  await expect(counter).toContainText('of 2,048 (Misfin B)');

  await form.getByRole('textbox', { name: 'Message' }).fill('x'.repeat(3000));
  await expect(counter).toContainText('of 16,384 (Misfin C)');
  await expect(form.getByRole('button', { name: 'Send' })).toBeEnabled();

  // "# Sizes\n" (8 bytes) + three empty C metadata lines (3) + 16,400 = 16,411 bytes: 27 over 16,384.
  await form.getByRole('textbox', { name: 'Message' }).fill('x'.repeat(16_400));
  await expect(counter).toContainText('Too long by 27 bytes');
  await expect(form.getByRole('button', { name: 'Send' })).toBeDisabled();

  await form.getByRole('textbox', { name: 'To' }).fill('not an address');
  await expect(form.getByText(/is not an address/).first()).toBeVisible();
  expect(problems).toEqual([]);
});

test('drafts autosave and survive a reload', async ({ page }) => {
  await register(page, env, 'dora', 'Dora');
  await compose(page, 'eve@localhost', 'Unfinished', 'To be continued');
  await expect(page.getByRole('status', { name: 'Compose status' })).toHaveText('Draft saved');
  await page.reload();
  await page
    .getByRole('navigation', { name: 'Folders' })
    .getByRole('button', { name: /^Drafts/ })
    .click();
  await page
    .getByRole('list', { name: 'Drafts in this browser' })
    .getByRole('button', { name: /Unfinished/ })
    .click();
  await expect(
    page.getByRole('form', { name: 'Compose' }).getByRole('textbox', { name: 'Message' }),
  ).toHaveValue('To be continued');
});

test('verify address probes the mailbox and records the fingerprint', async ({ page }) => {
  await register(page, env, 'finn', 'Finn');
  await env.invite('gus');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
  const contacts = page.getByRole('region', { name: 'Contacts' });
  const verify = contacts.getByRole('form', { name: 'Verify address' });
  await verify.getByRole('textbox', { name: 'Address to verify' }).fill('gus@localhost');
  await verify.getByRole('button', { name: 'Verify address' }).click();
  await expect(contacts.getByRole('status', { name: 'Verification result' })).toContainText(
    'gus@localhost answered with fingerprint',
    { timeout: 20_000 },
  );
  const row = contacts.getByRole('row', { name: /gus@localhost/ });
  await expect(row.getByRole('cell', { name: 'probe', exact: true })).toBeVisible();

  // Sending records the contact on first use too, and the result says so in plain words.
  await compose(page, 'gus@localhost', 'Hi', 'Hello Gus');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('Delivered to gus@localhost', { timeout: 20_000 });
});
