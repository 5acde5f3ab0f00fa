// Several domains on one listener, each with its own CA certificate chosen by SNI (seed 004).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCommand } from '../../mailhost/admin';
import { misfinB, rawRequest } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

let host: TestHost;
const caFingerprint: Record<string, string> = {};

beforeAll(async () => {
  host = await startTestHost('one.test', {
    setup: async (dir) => {
      const out = await initCommand(dir, 'two.test');
      caFingerprint['two.test'] = /fingerprint: ([0-9a-f]{64})/.exec(out)![1]!;
      await addMailboxWithCert(dir, 'ann', 'one.test');
      await addMailboxWithCert(dir, 'ann', 'two.test');
    },
  });
  caFingerprint['one.test'] = host.running.context.domains.get('one.test')!.ca.fingerprint;
});

afterAll(async () => {
  await host?.stop();
});

describe('SNI', () => {
  it('presents the CA certificate of the domain named in SNI; the first domain without a match', async () => {
    const one = await rawRequest(host.port, 'misfin://ann@one.test \r\n', { servername: 'one.test' });
    const two = await rawRequest(host.port, 'misfin://ann@two.test \r\n', { servername: 'two.test' });
    const other = await rawRequest(host.port, 'misfin://ann@one.test \r\n', { servername: 'unknown.test' });
    expect(one.serverFingerprint).toBe(caFingerprint['one.test']);
    expect(two.serverFingerprint).toBe(caFingerprint['two.test']);
    expect(other.serverFingerprint).toBe(caFingerprint['one.test']);
    expect(one.status).toBe(20);
    expect(two.status).toBe(20);
    expect(one.meta).not.toBe(two.meta);
  });

  it('answers 53 for a domain not served here, whatever the SNI', async () => {
    const sender = await addMailboxWithCert(host.dataDir, 'sender', 'two.test');
    const response = await rawRequest(host.port, misfinB('ann@three.test', 'hello'), {
      servername: 'two.test',
      identity: sender,
    });
    expect(response.status).toBe(53);
  });
});
