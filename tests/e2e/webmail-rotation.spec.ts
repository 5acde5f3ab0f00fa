import { expect, test } from '@playwright/test';
import { watchCsp } from '../support/csp-watch';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { compose, register, results, sync, watchConsole } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('rotation: a new certificate, a notice signed with the old one, and the contact accepts the new fingerprint', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  const bob = await bobContext.newPage();
  const violations = [await watchCsp(alice), await watchCsp(bob)];
  const problems = [...watchConsole(alice), ...watchConsole(bob)];
  await register(alice, env, 'alice', 'Alice');
  await register(bob, env, 'bob', 'Bob');

  // Each learns the other's fingerprint by writing once.
  for (const [page, to] of [
    [alice, 'bob@localhost'],
    [bob, 'alice@localhost'],
  ] as const) {
    await compose(page, to, 'Hello', 'hi');
    await page.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
    await expect(results(page)).toContainText(`Delivered to ${to}`, { timeout: 20_000 });
  }
  await bob.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
  const oldFingerprint = await bob
    .getByRole('table')
    .locator('code[title]')
    .first()
    .getAttribute('title', { timeout: 10_000 });
  expect(oldFingerprint).toMatch(/^[0-9a-f]{64}$/);

  // Alice rotates with a fresh invite: the host signs a new CSR, Bob gets a notice sent with the old key.
  await alice.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  const rotate = alice.getByRole('form', { name: 'Rotate this identity' });
  await rotate.getByLabel('New invite code').fill(await env.invite('alice'));
  await rotate.getByRole('button', { name: 'Rotate identity' }).click();
  const report = rotate.getByRole('status', { name: 'Rotate this identity' });
  await expect(report).toContainText('Notice to bob@localhost: 20', { timeout: 30_000 });
  const newFingerprint = /New fingerprint: ([0-9a-f]{64})/.exec((await report.textContent()) ?? '')?.[1];
  expect(newFingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(newFingerprint).not.toBe(oldFingerprint);

  // Bob reads the notice as a proposed change and accepts it.
  await sync(bob);
  await bob
    .getByRole('region', { name: 'Messages' })
    .getByRole('button', { name: /Identity rotation notice/ })
    .click();
  const proposal = bob.getByRole('region', { name: 'Proposed fingerprint change' });
  await expect(proposal).toContainText(newFingerprint ?? '');
  await proposal.getByRole('button', { name: 'Accept new fingerprint' }).click();
  await expect(proposal.getByRole('status')).toContainText('alice@localhost');
  await bob.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Contacts' }).click();
  await expect(bob.getByTitle(newFingerprint ?? '')).toBeVisible();

  // Mail to Alice now goes through: the host answers with the new fingerprint Bob already trusts.
  await compose(bob, 'alice@localhost', 'After rotation', 'still there?');
  await bob.getByRole('form', { name: 'Compose' }).getByRole('button', { name: 'Send' }).click();
  await expect(results(bob)).toContainText('Delivered to alice@localhost', { timeout: 20_000 });
  await expect(results(bob)).not.toContainText('changed');

  for (const read of violations) expect(await read()).toEqual([]);
  expect(problems).toEqual([]);
  await aliceContext.close();
  await bobContext.close();
});
