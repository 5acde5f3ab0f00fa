import { expect, test } from '@playwright/test';
import { startApp, type StartedApp } from '../support/start-app';

let app: StartedApp;

test.beforeAll(async () => {
  app = await startApp();
});

test.afterAll(async () => {
  await app?.stop();
});

test('the page renders from the bridge without console errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  const response = await page.goto(app.url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { level: 1, name: 'Misfin webmail' })).toBeVisible();
  expect(await page.evaluate(() => typeof crypto.subtle)).toBe('object');
  expect(problems).toEqual([]);
});
