import { expect, test } from '@playwright/test';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, register, results } from '../support/webmail-page';

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
