import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { exportWrappedIdentity } from '../../src/lib/identity/export';
import { createSelfSignedIdentity } from '../../src/lib/identity/identity';
import { startWebmailEnv, type WebmailEnv } from '../support/webmail-env';
import { register, sync } from '../support/webmail-page';

let env: WebmailEnv;

test.beforeAll(async () => {
  env = await startWebmailEnv();
});

test.afterAll(async () => {
  await env?.stop();
});

test('the stored private key cannot be exported', async ({ page }) => {
  await register(page, env, 'kim', 'Kim');
  const outcome = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('misfin-webmail');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const records = await new Promise<{ privateKey: CryptoKey }[]>((resolve, reject) => {
      const request = db.transaction('identities').objectStore('identities').getAll();
      request.onsuccess = () => resolve(request.result as { privateKey: CryptoKey }[]);
      request.onerror = () => reject(request.error);
    });
    const key = records[0]?.privateKey;
    if (!key) return { found: false, extractable: true, errors: [] as string[] };
    const errors: string[] = [];
    for (const format of ['pkcs8', 'jwk'] as const) {
      try {
        await crypto.subtle.exportKey(format, key);
        errors.push('exported');
      } catch (error) {
        errors.push((error as Error).name);
      }
    }
    return {
      found: true,
      extractable: key.extractable,
      errors,
      type: key.type,
      algorithm: key.algorithm.name,
    };
  });
  expect(outcome.found).toBe(true);
  expect(outcome.extractable).toBe(false);
  expect(outcome.errors).toEqual(['InvalidAccessError', 'InvalidAccessError']);
});

test('a PKCS#1 PEM identity (the reference implementation’s format) imports', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'webmail-pem-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['genrsa', '-traditional', '-out', key, '2048'], { stdio: 'ignore' });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        key,
        '-subj',
        '/UID=carol/CN=Carol',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-days',
        '30',
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const pem = readFileSync(cert, 'utf8') + readFileSync(key, 'utf8');
    expect(pem).toContain('-----BEGIN RSA PRIVATE KEY-----');

    await page.goto(env.url);
    const form = page.getByRole('form', { name: 'Import an identity' });
    await form
      .getByLabel('Identity file')
      .setInputFiles({ name: 'carol.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(pem) });
    await expect(form.getByLabel('Or paste the PEM text')).toHaveValue(/BEGIN RSA PRIVATE KEY/);
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue('carol@localhost', {
      timeout: 20_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a passphrase-wrapped export imports, and a wrong passphrase is explained', async ({ page }) => {
  test.setTimeout(60_000);
  const identity = await createSelfSignedIdentity(
    { mailbox: 'wren', displayName: 'Wren', host: 'localhost' },
    'ec',
    {
      extractable: true,
    },
  );
  const wrapped = await exportWrappedIdentity(identity, 'correct horse battery staple');

  await page.goto(env.url);
  const form = page.getByRole('form', { name: 'Import an identity' });
  await form.getByLabel('Or paste the PEM text').fill(wrapped);
  await form.getByLabel('Passphrase (only for a protected export)').fill('wrong passphrase');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('alert')).toContainText(/passphrase/i, { timeout: 20_000 });

  await form.getByLabel('Passphrase (only for a protected export)').fill('correct horse battery staple');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('combobox', { name: 'Identity' })).toHaveValue('wren@localhost', {
    timeout: 20_000,
  });
  // The stored record holds only the wrapped file: the unwrapped key lives in memory, non-extractable.
  const stored = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('misfin-webmail');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const record = await new Promise<{ privateKey?: CryptoKey; wrapped?: string }>((resolve, reject) => {
      const request = db.transaction('identities').objectStore('identities').get('wren@localhost');
      request.onsuccess = () => resolve(request.result as { privateKey?: CryptoKey; wrapped?: string });
      request.onerror = () => reject(request.error);
    });
    return { hasKey: record.privateKey !== undefined, wrapped: record.wrapped };
  });
  expect(stored).toEqual({ hasKey: false, wrapped });
});

test('a changed host key is refused and explained', async ({ page }) => {
  test.setTimeout(90_000);
  await register(page, env, 'hana', 'Hana');
  await sync(page);
  await expect(page.getByRole('alert', { name: 'A host key changed' })).toHaveCount(0);

  // The same host:port now answers with a different key (a new data directory, so a new CA).
  await env.stopHost();
  await env.startHost({ fresh: true });
  await sync(page);
  const alert = page.getByRole('alert', { name: 'A host key changed' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(`localhost:${env.hostPort}`);
  await expect(alert).toContainText('Nothing was sent');
  await expect(page.getByRole('region', { name: 'Messages' })).toContainText('changed since it was pinned');

  // The pin is still the old one until the user accepts.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('region', { name: 'Host keys' })).toContainText(`localhost:${env.hostPort}`);
  await alert.getByRole('button', { name: 'Accept the new host key' }).click();
  await expect(alert).toHaveCount(0);
});
