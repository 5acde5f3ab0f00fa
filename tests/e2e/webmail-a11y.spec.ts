import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
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

/** Zero axe violations (WCAG 2.x A and AA rules) on what is on screen now. */
async function checkScreen(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = result.violations.map(
    (v) => `${name}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(found).toEqual([]);
  // Responsive down to 360 px: nothing wider than the viewport.
  const tooWide = await page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
      .slice(0, 5),
  );
  expect(tooWide, `${name} is wider than the viewport`).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every screen passes axe, at 360 px, in the ${scheme} theme`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const violations = await watchCsp(page);
    const problems = watchConsole(page);
    await page.goto(env.url);
    await expect(page.getByRole('heading', { name: 'Get started' })).toBeVisible();
    await checkScreen(page, 'sign-in');

    const mailbox = `axe${scheme}`;
    await register(page, env, mailbox, 'Axe');
    const friend = await registerInNode(env, `friend${scheme}`, 'Friend');
    expect(await sendInNode(env, friend, mailbox, 'Accessible mail', 'Plain words.\n* one\n* two')).toBe(20);
    await sync(page);
    await checkScreen(page, 'inbox');
    await page
      .getByRole('region', { name: 'Messages' })
      .getByRole('button', { name: /Accessible mail/ })
      .click();
    await checkScreen(page, 'message');

    const sections = page.getByRole('navigation', { name: 'Sections' });
    for (const section of ['Compose', 'Outbox', 'Contacts', 'Settings']) {
      await sections.getByRole('button', { name: new RegExp(`^${section}`) }).click();
      await checkScreen(page, section);
    }

    // The help dialog: opens from the keyboard, passes axe, and gives focus back where it was.
    await sections.getByRole('button', { name: 'Mail' }).focus();
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await checkScreen(page, 'shortcuts help');
    await page.keyboard.press('Escape');
    await expect(sections.getByRole('button', { name: 'Mail' })).toBeFocused();

    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
}
