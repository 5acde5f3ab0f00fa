// Registration by CSR (seed 000: the host never sees the private key), over Gemini on the Misfin port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/lib/bytes/base64';
import { formatPem, parsePem } from '../../src/lib/bytes/pem';
import { verifyCertificateSignature } from '../../src/lib/identity/certificate-builder';
import { createCsr } from '../../src/lib/identity/csr';
import { generateIdentityKey, type KeyPairResult } from '../../src/lib/identity/keys';
import { certificateFingerprint, parseCertificate } from '../../src/lib/identity/x509';
import { misfinB, rawRequest, type TestIdentity } from '../support/mailhost-client';
import { invite, startTestHost, type TestHost } from '../support/mailhost-instance';

let host: TestHost;

async function csrFor(
  mailbox: string,
  key?: KeyPairResult,
): Promise<{ key: KeyPairResult; csr: Uint8Array }> {
  const pair = key ?? (await generateIdentityKey('ec', { extractable: true }));
  return {
    key: pair,
    csr: await createCsr(pair, { mailbox, displayName: `${mailbox} person`, host: 'localhost' }),
  };
}

function register(port: number, mailbox: string, code: string, csr: Uint8Array) {
  const query = new URLSearchParams({ mailbox, invite: code, csr: toBase64Url(csr) });
  return rawRequest(port, `gemini://localhost/register?${query.toString()}\r\n`);
}

beforeAll(async () => {
  host = await startTestHost('localhost');
});

afterAll(async () => {
  await host?.stop();
});

describe('registration by CSR', () => {
  it('issues a CA-signed certificate for a good CSR; the certificate then works for GMAP and sending', async () => {
    const code = await invite(host.dataDir, 'newbie');
    const { key, csr } = await csrFor('newbie');
    const response = await register(host.port, 'newbie', code, csr);
    expect(response.status).toBe(20);
    expect(response.meta).toBe('application/x-pem-file');
    const [leafBlock, caBlock] = parsePem(response.body);
    const leaf = parseCertificate(leafBlock!.der);
    const ca = parseCertificate(caBlock!.der);
    expect(leaf.uid).toBe('newbie');
    expect(leaf.commonName).toBe('newbie person');
    expect(leaf.dnsNames).toEqual(['localhost']);
    expect(leaf.isCA).toBe(false);
    expect(ca.isCA).toBe(true);
    expect(await verifyCertificateSignature(leaf, ca)).toBe(true);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key.privateKey));
    const identity: TestIdentity = {
      keyPem: formatPem('PRIVATE KEY', pkcs8),
      certPem: formatPem('CERTIFICATE', leafBlock!.der),
      fingerprint: await certificateFingerprint(leafBlock!.der),
    };
    const probe = await rawRequest(host.port, 'misfin://newbie@localhost \r\n');
    expect(probe.meta).toBe(identity.fingerprint);
    expect((await rawRequest(host.port, 'gemini://localhost/tag/Inbox\r\n', { identity })).status).toBe(20);
    expect(
      (await rawRequest(host.port, misfinB('newbie@localhost', 'note to self'), { identity })).status,
    ).toBe(20);
  });

  it('refuses a reused invite', async () => {
    const code = await invite(host.dataDir, 'twice');
    expect((await register(host.port, 'twice', code, (await csrFor('twice')).csr)).status).toBe(20);
    const again = await register(host.port, 'twice', code, (await csrFor('twice')).csr);
    expect(again).toMatchObject({ status: 61, meta: 'invite not valid' });
  });

  it('refuses an expired invite', async () => {
    const code = await invite(host.dataDir, 'late', 0.05);
    await new Promise((r) => setTimeout(r, 120));
    expect((await register(host.port, 'late', code, (await csrFor('late')).csr)).status).toBe(61);
  });

  it('refuses an invite for another mailbox', async () => {
    const code = await invite(host.dataDir, 'owner');
    expect((await register(host.port, 'thief', code, (await csrFor('thief')).csr)).status).toBe(61);
  });

  it('refuses a CSR with a bad signature (59) without burning the invite', async () => {
    const code = await invite(host.dataDir, 'careful');
    const { csr } = await csrFor('careful');
    const broken = csr.slice();
    broken[broken.length - 3]! ^= 0x55;
    const bad = await register(host.port, 'careful', code, broken);
    expect(bad.status).toBe(59);
    expect((await register(host.port, 'careful', code, csr)).status).toBe(20);
  });

  it('refuses a CSR asking for another mailbox (59)', async () => {
    const code = await invite(host.dataDir, 'honest');
    const { csr } = await csrFor('someoneelse');
    expect((await register(host.port, 'honest', code, csr)).status).toBe(59);
  });

  it('rate-limits failed attempts (44)', async () => {
    const limited = await startTestHost('localhost', {
      settings: { registrationFailureRate: { perSecond: 0.001, burst: 3 } },
    });
    try {
      const { csr } = await csrFor('guess');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await register(limited.port, 'guess', `wrong${i}`, csr)).status);
      expect(statuses).toEqual([61, 61, 61, 44]);
    } finally {
      await limited.stop();
    }
  });
});
