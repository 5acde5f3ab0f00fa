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

// Drafts are also kept in the user's own GMAP mailbox (issue 7; protocol doc §15: copies go to the GMAP
// address, a draft update is prefixed MGID:<id>), so a sync from any browser shows them in Drafts.
test('an autosaved draft reaches the host Drafts folder, is replaced on edit, and leaves when sent', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  await register(page, env, 'gina', 'Gina');
  await env.invite('hal');
  await compose(page, 'hal@localhost', 'Plans for Friday', 'First thoughts');
  await expect(page.getByRole('status', { name: 'Compose status' })).toHaveText('Draft saved');

  const messages = page.getByRole('region', { name: 'Messages' });
  // The host's copy shows its sender (Gina); the local draft row shows its recipient.
  const hostDraft = messages.getByRole('button', { name: /Gina.*Plans for Friday/ });
  // The copy goes out after the local save; sync until the host lists it.
  await expect(async () => {
    await sync(page);
    await openFolder(page, 'Drafts');
    await expect(hostDraft).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  // An edit replaces the host copy instead of adding a second one.
  const localDraft = page
    .getByRole('list', { name: 'Drafts in this browser' })
    .getByRole('button', { name: /Plans for Friday/ });
  await localDraft.click();
  const form = page.getByRole('form', { name: 'Compose' });
  await form.getByRole('textbox', { name: 'Message' }).fill('Second thoughts');
  await expect(page.getByRole('status', { name: 'Compose status' })).toHaveText('Draft saved');
  await expect(async () => {
    await sync(page);
    await openFolder(page, 'Drafts');
    await expect(hostDraft).toHaveCount(1, { timeout: 1_000 });
    await hostDraft.click();
    await expect(page.getByRole('article', { name: 'Message' })).toContainText('Second thoughts', {
      timeout: 1_000,
    });
  }).toPass({ timeout: 30_000 });

  // Sent: delivered, and the host copy of the draft is removed.
  await localDraft.click();
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(results(page).getByText(/^Delivered to hal@localhost/)).toBeVisible({ timeout: 20_000 });
  await expect(async () => {
    await sync(page);
    await openFolder(page, 'Drafts');
    await expect(hostDraft).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  expect(problems).toEqual([]);
});
