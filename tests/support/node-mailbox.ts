// Mailboxes made outside the page, for the webmail end-to-end tests: registered on the running mail host by
// CSR with an extractable key (so a test can hand the page a passphrase-wrapped file), and mail sent from
// Node with the same library the page uses.
import { toBase64Url } from '../../src/lib/bytes/base64';
import { parsePem } from '../../src/lib/bytes/pem';
import { geminiRequest, geminiUrl } from '../../src/lib/gemini/client';
import { createCsr } from '../../src/lib/identity/csr';
import { makeIdentity, type Identity } from '../../src/lib/identity/identity';
import { generateIdentityKey } from '../../src/lib/identity/keys';
import { parseAddress } from '../../src/lib/misfin/address';
import { composeMessage } from '../../src/lib/misfin/gemmail-format';
import { sendMessage } from '../../src/lib/misfin/send';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import type { WebmailEnv } from './webmail-env';

// The test's own loopback host, started by the test: any server certificate is fine here.
const connection = {
  connector: (host: string, port: number) => connectTcp(host, port, { timeoutMs: 5000 }),
  verifyServer: async () => undefined,
  timeoutMs: 10_000,
};

export async function registerInNode(
  env: WebmailEnv,
  mailbox: string,
  displayName: string,
): Promise<Identity> {
  const invite = await env.invite(mailbox);
  const key = await generateIdentityKey('ec', { extractable: true });
  const csr = await createCsr(key, { mailbox, displayName, host: 'localhost' });
  const query = new URLSearchParams({ mailbox, invite, csr: toBase64Url(csr) }).toString();
  const answer = await geminiRequest({
    ...connection,
    url: geminiUrl('localhost', env.hostPort, `/register?${query}`),
    maxBodyBytes: 64 * 1024,
  });
  if (answer.header.status !== 20) throw new Error(`registration failed: ${answer.header.status}`);
  const chain = parsePem(new TextDecoder().decode(answer.body))
    .filter((block) => block.label === 'CERTIFICATE')
    .map((block) => block.der);
  return makeIdentity(chain, key.privateKey);
}

export async function sendInNode(
  env: WebmailEnv,
  from: Identity,
  to: string,
  subject: string,
  body: string,
): Promise<number> {
  const result = await sendMessage({
    ...connection,
    identity: from,
    to: parseAddress(`${to}@localhost:${env.hostPort}`),
    message: composeMessage({ subject, body, to: [`${to}@localhost`] }),
  });
  return result.response.status;
}
