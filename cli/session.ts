// What every network command shares: the identity file, where the TCP connection goes (--connect), and
// host-key trust (TOFU with a known-hosts file; design.md §4). --connect changes only the TCP destination:
// SNI, the request and the pin keep the address's host (misfin-protocol.md §12, §19 #11).
import { readFileSync } from 'node:fs';
import { IdentityError } from '../src/lib/identity/errors';
import { importIdentityPem, type Identity } from '../src/lib/identity/import';
import { connectTcp } from '../src/lib/node/tcp-transport';
import type { Connector, ServerCertificateInfo, VerifyServer } from '../src/lib/tls/client';
import { HostKeyChangedError, tofuVerifier } from '../src/lib/trust/host-pins';
import { parseHostPort, UsageError, type ParsedArgs } from './args';
import { defaultKnownHostsPath, FileHostPinStore } from './known-hosts';

export const networkValues = ['identity', 'connect', 'known-hosts', 'timeout'] as const;
export const networkFlags = ['accept-new-host-key'] as const;

export async function loadIdentity(path: string): Promise<Identity> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read identity file ${path}: ${(error as Error).message}`);
  }
  try {
    return await importIdentityPem(text, { extractable: false });
  } catch (error) {
    if (error instanceof IdentityError) throw new UsageError(`identity file ${path}: ${error.message}`);
    throw error;
  }
}

export interface NetworkSession {
  identity: Identity;
  connector: Connector;
  verifyServer: VerifyServer;
  timeoutMs: number;
}

/** The message shown when a pinned key changed: what happened and the one way to accept it. */
export function hostKeyChangedMessage(error: HostKeyChangedError, knownHostsPath: string): string {
  return (
    `${error.message}\n` +
    `If you have confirmed the new fingerprint ${error.presented.certSha256} with the host's operator, ` +
    `run the same command again with --accept-new-host-key (this replaces the pin in ${knownHostsPath}).`
  );
}

export class HostKeyRefusedError extends Error {
  override name = 'HostKeyRefusedError';
}

export async function openSession(args: ParsedArgs, log: (line: string) => void): Promise<NetworkSession> {
  const identityPath = args.values.get('identity');
  if (!identityPath) throw new UsageError('--identity FILE is required');
  const identity = await loadIdentity(identityPath);
  const timeoutText = args.values.get('timeout');
  const timeoutMs = timeoutText === undefined ? 15_000 : Number(timeoutText) * 1000;
  if (!(timeoutMs > 0)) throw new UsageError('--timeout takes a number of seconds');

  const target = args.values.has('connect') ? parseHostPort(args.values.get('connect')!) : undefined;
  const connector: Connector = (host, port) =>
    connectTcp(target?.host ?? host, target?.port ?? port, { timeoutMs });

  const knownHostsPath = args.values.get('known-hosts') ?? defaultKnownHostsPath();
  const store = new FileHostPinStore(knownHostsPath);
  const announce = (info: ServerCertificateInfo) =>
    log(
      `misfin: first contact with ${info.host}:${info.port}; pinned its certificate ${info.certSha256} in ${knownHostsPath}`,
    );
  const tofu = tofuVerifier(store, { onFirstContact: announce });
  const acceptNew = args.flags.has('accept-new-host-key');
  const verifyServer: VerifyServer = async (info) => {
    try {
      await tofu(info);
    } catch (error) {
      if (!(error instanceof HostKeyChangedError)) throw error;
      if (!acceptNew) throw new HostKeyRefusedError(hostKeyChangedMessage(error, knownHostsPath));
      await store.delete(info.host, info.port);
      log(`misfin: replacing the pinned key of ${info.host}:${info.port} (was ${error.pinned.certSha256})`);
      await tofu(info);
    }
  };
  return { identity, connector, verifyServer, timeoutMs };
}
