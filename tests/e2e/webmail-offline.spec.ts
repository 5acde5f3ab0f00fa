import { expect, test } from '@playwright/test';
import { watchCsp } from '../support/csp-watch';
import { registerInNode, sendInNode } from '../support/node-mailbox';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, register, results, sync } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('offline: the cached shell opens, stored mail reads, and mail composed offline is delivered when back online', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const violations = await watchCsp(page);
  await register(page, env, 'olive', 'Olive');
  const friend = await registerInNode(env, 'otto', 'Otto');
  expect(await sendInNode(env, friend, 'olive', 'Train times', 'The 8:15 is cancelled.')).toBe(20);
  await sync(page);

  // Device mode: the service worker keeps the app shell; the manifest makes the page installable.
  await expect
    .poll(() => page.evaluate(async () => (await caches.keys()).length), { timeout: 20_000 })
    .toBeGreaterThan(0);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return link ? ((await (await fetch(link.href)).json()) as { name: string; display: string }) : undefined;
  });
  expect(manifest).toMatchObject({ name: 'Misfin webmail', display: 'standalone' });

  await context.setOffline(true);
  await page.reload();
  const list = page.getByRole('region', { name: 'Messages' });
  await list.getByRole('button', { name: /Otto.*Train times/ }).click({ timeout: 20_000 });
  await expect(page.getByRole('article', { name: 'Message' })).toContainText('The 8:15 is cancelled.');

  await compose(page, 'otto@localhost', 'Offline reply', 'Thanks, written on the train.');
  await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(page)).toContainText('otto@localhost', { timeout: 20_000 });
  await expect(results(page)).not.toContainText('Delivered to otto@localhost');
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: /Outbox/ })
    .click();
  await expect(page.getByRole('navigation', { name: 'Sections' })).toContainText('Outbox (');

  await context.setOffline(false);
  await expect(results(page)).toContainText('Delivered to otto@localhost', { timeout: 30_000 });
  expect(await violations()).toEqual([]);
});
