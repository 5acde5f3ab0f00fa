// Page actions for the webmail end-to-end tests, written the way a screen-reader user finds things: by role
// and accessible name.
import { expect, type Page } from '@playwright/test';
import type { WebmailEnv } from './webmail-env';

/** Collects console errors and warnings and uncaught exceptions, so a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

export async function register(page: Page, env: WebmailEnv, mailbox: string, name: string): Promise<void> {
  const invite = await env.invite(mailbox);
  await page.goto(env.url);
  const form = page.getByRole('form', { name: 'Register a mailbox' });
  await form.getByLabel('Host').fill(env.hostField);
  await form.getByLabel('Mailbox name').fill(mailbox);
  await form.getByLabel('Display name').fill(name);
  await form.getByLabel('Invite code').fill(invite);
  await form.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue(`${mailbox}@localhost`, {
    timeout: 20_000,
  });
}

export async function compose(page: Page, to: string, subject: string, body: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Compose' }).click();
  const form = page.getByRole('form', { name: 'Compose' });
  await form.getByRole('textbox', { name: 'To' }).fill(to);
  await form.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await form.getByRole('textbox', { name: 'Message' }).fill(body);
}

export function results(page: Page) {
  return page.getByRole('log', { name: 'Delivery results' });
}

export async function openFolder(page: Page, folder: string): Promise<void> {
  const sections = page.getByRole('navigation', { name: 'Sections' });
  await sections.getByRole('button', { name: 'Mail' }).click();
  await page
    .getByRole('navigation', { name: 'Folders' })
    .getByRole('button', { name: new RegExp(`^${folder}\\b`) })
    .click();
}

export async function sync(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Mail' }).click();
  const button = page
    .getByRole('region', { name: 'Messages' })
    .getByRole('button', { name: 'Sync', exact: true });
  await expect(button).toBeEnabled({ timeout: 60_000 });
  await button.click();
  await expect(button).toBeEnabled({ timeout: 60_000 });
}
