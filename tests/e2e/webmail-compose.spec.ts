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

test('a changed recipient fingerprint stops further sends until the user accepts it', async ({ browser }) => {
  test.setTimeout(90_000);
  const senderContext = await browser.newContext();
  const page = await senderContext.newPage();
  await register(page, env, 'hugo', 'Hugo');
  await env.invite('ivy'); // reserved, not yet registered: the host answers for it with its own key

  const sections = page.getByRole('navigation', { name: 'Sections' });
  await sections.getByRole('button', { name: 'Contacts' }).click();
  const contacts = page.getByRole('region', { name: 'Contacts' });
  const verify = contacts.getByRole('form', { name: 'Verify address' });
  await verify.getByRole('textbox', { name: 'Address to verify' }).fill('ivy@localhost');
  await verify.getByRole('button', { name: 'Verify address' }).click();
  await expect(contacts.getByRole('status', { name: 'Verification result' })).toContainText(
    'answered with fingerprint',
    {
      timeout: 20_000,
    },
  );

  // Ivy registers her own key: her mailbox now answers with a different fingerprint.
  const ivyContext = await browser.newContext();
  await register(await ivyContext.newPage(), env, 'ivy', 'Ivy');

  await compose(page, 'ivy@localhost', 'One', 'first');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('The certificate of ivy@localhost has changed', {
    timeout: 20_000,
  });

  await compose(page, 'ivy@localhost', 'Two', 'second');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('Not sent. The certificate of ivy@localhost has changed');

  await sections.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('alert').getByRole('button', { name: 'Accept the new fingerprint' }).click();
  await expect(
    contacts.getByRole('row', { name: /ivy@localhost/ }).getByRole('cell', { name: 'by hand' }),
  ).toBeVisible();

  await sections.getByRole('button', { name: /^Outbox/ }).click();
  await page.getByRole('region', { name: 'Outbox' }).getByRole('button', { name: 'Retry now' }).click();
  await expect(results(page)).toContainText('Delivered to ivy@localhost', { timeout: 20_000 });
  await senderContext.close();
  await ivyContext.close();
});
