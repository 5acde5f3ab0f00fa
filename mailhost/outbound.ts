// The host acting as a Misfin client (seed 000: "servers act like clients for verification", and mailing
// lists re-send "acting as a misfin client"): fetch another host's TLS certificate, probe an address, send.
// Uses the project's own TLS 1.3 client (src/lib/tls) and Misfin client (src/lib/misfin/send), over TCP.
import type { MisfinAddress } from '../src/lib/misfin/address';
import type { OutgoingMail } from '../src/lib/misfin/gemmail-format';
import type { MisfinResponse } from '../src/lib/misfin/response';
import { probe, sendMessage } from '../src/lib/misfin/send';
import { connectTls, type ClientIdentity, type Connector, type VerifyServer } from '../src/lib/tls/client';
import { tofuVerifier, type HostPinStore } from '../src/lib/trust/host-pins';
import { connectTcp } from '../src/lib/node/tcp-transport';

/** Misfin servers "should be bound to port 1958" (spec §1). */
const MISFIN_PORT = 1958;

/** Where to connect for a host name; tests map every test host to 127.0.0.1 and a random port. */
export type ResolveHost = (host: string, port: number) => { host: string; port: number };

export const directResolve: ResolveHost = (host, port) => ({ host, port });

/** Builds a resolver from `HOST=ADDR:PORT` entries (the `--peer` flag). */
export function peerResolver(entries: Record<string, string>): ResolveHost {
  const table = new Map<string, { host: string; port: number }>();
  for (const [name, target] of Object.entries(entries)) {
    const colon = target.lastIndexOf(':');
    const port = Number(target.slice(colon + 1));
    if (colon < 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`peer ${name}=${target}: expected ADDR:PORT`);
    }
    table.set(name.toLowerCase(), { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port });
  }
  return (host, port) => table.get(host.toLowerCase()) ?? { host, port };
}

export interface OutboundOptions {
  resolve: ResolveHost;
  timeoutMs: number;
  /**
   * The keys of the hosts this host has talked to, pinned on first use (design.md §4). Without pins, anyone
   * between two hosts could answer a verification probe with the fingerprint the forger needs.
   */
  pins: HostPinStore;
  log?: (line: string) => void;
}

/** TCP to wherever `resolve` says; SNI and the request keep the Misfin host name. */
function connector(options: OutboundOptions): Connector {
  return (host, port) => {
    const target = options.resolve(host, port);
    return connectTcp(target.host, target.port, { timeoutMs: options.timeoutMs });
  };
}

/**
 * Misfin hosts present self-signed CA certificates, so there is no CA store: the first key a host shows is
 * pinned, and a different one later fails the connection (and with it the verification that needed it).
 */
function pinnedServer(options: OutboundOptions): VerifyServer {
  return tofuVerifier(options.pins, {
    onFirstContact: (info) =>
      options.log?.(`outbound: pinned the key of ${info.host}:${info.port} (certificate ${info.certSha256})`),
  });
}

/** The leaf certificate (DER) a host presents on its Misfin port: the CA check of spec §3.3. */
export async function fetchHostCertificate(host: string, options: OutboundOptions): Promise<Uint8Array> {
  const verifyPinned = pinnedServer(options);
  const transport = await connector(options)(host, MISFIN_PORT);
  let leaf: Uint8Array | undefined;
  try {
    const connection = await connectTls(transport, {
      serverName: host,
      port: MISFIN_PORT,
      timeoutMs: options.timeoutMs,
      verifyServer: async (info) => {
        await verifyPinned(info);
        leaf = info.chain[0];
      },
    });
    await connection.close().catch(() => undefined);
  } finally {
    transport.close();
  }
  if (!leaf) throw new Error(`${host} presented no certificate`);
  return leaf;
}

/** A blank-message probe presenting `identity` (bp §3); resolves with the response. */
export async function probeAddress(
  address: MisfinAddress,
  identity: ClientIdentity,
  options: OutboundOptions,
): Promise<MisfinResponse> {
  const result = await probe({
    to: address,
    identity,
    connector: connector(options),
    verifyServer: pinnedServer(options),
    timeoutMs: options.timeoutMs,
  });
  return result.response;
}

/** Sends one message (B when it fits, else C) with `identity`. */
export async function sendAs(
  address: MisfinAddress,
  message: OutgoingMail,
  identity: ClientIdentity,
  options: OutboundOptions,
): Promise<MisfinResponse> {
  const result = await sendMessage({
    to: address,
    message,
    identity,
    connector: connector(options),
    verifyServer: pinnedServer(options),
    timeoutMs: options.timeoutMs,
  });
  return result.response;
}
