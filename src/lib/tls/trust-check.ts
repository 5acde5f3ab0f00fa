// The trust decision (tls-notes §5.4): the caller's verifyServer runs once the server proved its key and the
// transcript; any refusal becomes a bad_certificate alert. A TOFU key change keeps its own error code so the
// page can explain it (trust/host-pins.ts HostKeyChangedError).
import { Alert } from './alerts';
import { TlsError } from './errors';
import type { ServerCertificateInfo, VerifyServer } from './types';

export async function runTrustCallback(
  verifyServer: VerifyServer,
  server: ServerCertificateInfo,
): Promise<void> {
  try {
    await verifyServer(server);
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : '';
    const text = cause instanceof Error ? cause.message : String(cause);
    throw new TlsError(name === 'HostKeyChangedError' ? 'untrusted_host_key' : 'bad_certificate', text, {
      alert: Alert.badCertificate,
      cause,
    });
  }
}
