// The host acting as a Misfin client (seed 000: "servers act like clients for verification", and mailing
// lists re-send "acting as a misfin client"): fetch another host's TLS certificate, probe an address, send.
// Uses node:tls — the mail host is a Node program; the in-browser TLS client is not needed here.
import { connect, type TLSSocket } from 'node:tls';
import { DEFAULT_MISFIN_PORT, type MisfinAddress } from '../src/lib/misfin/address';
import { findResponseEnd, parseResponse, type MisfinResponse } from '../src/lib/misfin/response';

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

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
}

export interface ClientPem {
  keyPem: string;
  certPem: string;
}

interface OpenOptions {
  host: string;
  port: number;
  identity?: ClientPem;
  timeoutMs: number;
  resolve: ResolveHost;
}

function open(options: OpenOptions): Promise<TLSSocket> {
  const target = options.resolve(options.host, options.port);
  return new Promise((resolvePromise, reject) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      // SNI = the Misfin host name (spec §3.1 "compatible with SNI"); an IP literal cannot be SNI.
      servername: /^[\d.]+$|:/.test(options.host) ? undefined : options.host,
      // Misfin hosts are self-signed CAs: trust is decided by the caller (fingerprints, signatures).
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ...(options.identity ? { key: options.identity.keyPem, cert: options.identity.certPem } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new OutboundError(`timed out connecting to ${options.host}:${options.port}`));
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolvePromise(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new OutboundError(`cannot reach ${options.host}:${options.port}: ${error.message}`));
    });
  });
}

/** The leaf certificate (DER) a host presents on its Misfin port: the CA check of spec §3.3. */
export async function fetchHostCertificate(
  host: string,
  options: { timeoutMs: number; resolve: ResolveHost; port?: number },
): Promise<Uint8Array> {
  const socket = await open({ host, port: options.port ?? DEFAULT_MISFIN_PORT, ...options });
  try {
    const peer = socket.getPeerX509Certificate();
    if (!peer) throw new OutboundError(`${host} presented no certificate`);
    return new Uint8Array(peer.raw);
  } finally {
    socket.end();
    socket.destroy();
  }
}

/** Sends one request and reads the one response line (spec §1.1). */
export async function sendRequest(
  address: MisfinAddress,
  request: Uint8Array,
  options: { identity?: ClientPem; timeoutMs: number; resolve: ResolveHost },
): Promise<MisfinResponse> {
  const socket = await open({ host: address.host, port: address.port, ...options });
  return new Promise<MisfinResponse>((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new OutboundError(`no response from ${address.host} in time`));
    }, options.timeoutMs);
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.end();
      socket.destroy();
      if (error) return reject(error);
      try {
        const bytes = new Uint8Array(Buffer.concat(chunks, length));
        const end = findResponseEnd(bytes);
        if (end === undefined) throw new OutboundError(`${address.host} closed before a full response line`);
        resolvePromise(parseResponse(bytes.subarray(0, end)));
      } catch (parseError) {
        reject(parseError as Error);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      try {
        if (findResponseEnd(new Uint8Array(Buffer.concat(chunks, length))) !== undefined) finish();
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.once('end', () => finish());
    socket.once('error', (error) => finish(new OutboundError(error.message)));
    socket.write(request);
  });
}
