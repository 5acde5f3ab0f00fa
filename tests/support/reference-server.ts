// Loopback servers on Node's `tls` that behave like the reference implementation (misfin-protocol.md §12,
// §21): a client certificate is required at TLS level and any is accepted; each connection carries one
// request, read up to the first CRLF.
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { exportIdentityPem } from '../../src/lib/identity/export';
import { createSelfSignedIdentity } from '../../src/lib/identity/identity';

export interface SeenRequest {
  servername: string | false | null;
  request: string;
  clientFingerprint: string;
}

export interface ReferenceServer {
  port: number;
  seen: SeenRequest[];
  server: Server;
}

const fingerprintOf = (socket: TLSSocket) =>
  socket.getPeerX509Certificate()!.fingerprint256.replace(/:/g, '').toLowerCase();

/** `answer` returns the whole response for the request line; SNI, request and client fingerprint are recorded. */
export async function startReferenceServer(
  pem: string,
  answer: (line: string, clientFingerprint: string) => string,
): Promise<ReferenceServer> {
  const seen: SeenRequest[] = [];
  const server = createServer({
    cert: pem,
    key: pem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });
  server.on('secureConnection', (socket) => {
    // The reference refuses connections without a client certificate (VERIFY_FAIL_IF_NO_PEER_CERT).
    if (!socket.getPeerX509Certificate()) return void socket.destroy();
    let buffer = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const client = fingerprintOf(socket);
      seen.push({ servername: socket.servername, request: buffer, clientFingerprint: client });
      socket.end(answer(buffer.slice(0, end), client));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, seen, server };
}

/**
 * The reference's receive-as: its own mailbox (`bee`) gets `20 <client fingerprint>`, a Misfin(C) request
 * `40`; plus a redirect (`moved`) and a changed-certificate refusal (`angry`) for the tests.
 */
export function referenceAnswer(line: string, clientFingerprint: string): string {
  if (line.includes('\t')) return '40 temporary error\r\n';
  const match = /^misfin:\/\/([^@ ]+)@([^ ]+) /.exec(line);
  if (!match) return '59 bad request\r\n';
  if (match[1] === 'bee') return `20 ${clientFingerprint}\r\n`;
  if (match[1] === 'moved') return '30 bee@localhost\r\n';
  if (match[1] === 'angry') return '63 certificate changed\r\n';
  return '51 mailbox does not exist\r\n';
}

/** A self-signed CA identity for `mailbox@localhost`, certificate and key in one PEM, as the reference keeps it. */
export async function referenceServerPem(mailbox: string): Promise<string> {
  const identity = await createSelfSignedIdentity({ mailbox, host: 'localhost' }, 'ec', {
    extractable: true,
    isCA: true,
  });
  return exportIdentityPem(identity);
}
