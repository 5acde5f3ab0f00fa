// The page's real path: TLS inside a WebSocket through the project's REAL bridge (bridge/server.ts, started
// here on 127.0.0.1:0 with an allow-list entry for the loopback TLS server and an Origin allow-list) to real
// TLS servers that demand a client certificate. Each case checks the fingerprint the server saw is ours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBridge, type RunningBridge } from '../../bridge/server';
import { connectTls, TlsError } from '../../src/lib/tls/client';
import { TransportError } from '../../src/lib/tls/transport';
import { connectWebSocket, type WebSocketLike } from '../../src/lib/tls/websocket-transport';
import { MemoryHostPinStore, tofuVerifier } from '../../src/lib/trust/host-pins';
import {
  certificateSha256FromPem,
  identityFrom,
  makeCertificate,
  normaliseFingerprint,
  removeTempDirs,
  startNodeTlsServer,
  startOpensslServer,
  type NodeTlsPeer,
  type ProcessPeer,
  type TestCertificate,
} from '../support/tls-peers';

const origin = 'http://webmail.test';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `ws` with the Origin header a page served from `origin` would send (the bridge refuses others). */
function webSocketFrom(pageOrigin: string): new (url: string) => WebSocketLike {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin: pageOrigin, perMessageDeflate: false });
    }
  } as unknown as new (url: string) => WebSocketLike;
}

let client: TestCertificate;
let serverCert: TestCertificate;
let nodePeer: NodeTlsPeer;
let opensslPeer: ProcessPeer;
let bridge: RunningBridge;
let bridgeUrl: string;

beforeAll(async () => {
  client = makeCertificate('ec', 'bridge-client.test');
  serverCert = makeCertificate('ec', 'bridge-server.test');
  nodePeer = await startNodeTlsServer(serverCert);
  opensslPeer = await startOpensslServer(serverCert, client, ['-naccept', '1']);
  bridge = await startBridge({
    listen: '127.0.0.1',
    port: 0,
    allow: [`127.0.0.1:${nodePeer.port}`, `127.0.0.1:${opensslPeer.port}`],
    origins: [origin],
    log: () => undefined,
    connectTimeoutMs: 5_000,
  });
  bridgeUrl = bridge.url.replace(/^http/, 'ws').replace(/\/$/, '');
}, 30_000);

afterAll(async () => {
  await bridge?.close();
  await nodePeer?.close();
  await opensslPeer?.stop();
  removeTempDirs();
});

describe('TLS through the real bridge', () => {
  it('Node tls with requestCert sees our client certificate; TOFU pins the server on first contact', async () => {
    const store = new MemoryHostPinStore();
    const firstContacts: string[] = [];
    const transport = await connectWebSocket(bridgeUrl, '127.0.0.1', nodePeer.port, {
      WebSocket: webSocketFrom(origin),
      timeoutMs: 5_000,
    });
    const connection = await connectTls(transport, {
      serverName: 'bridge-server.test',
      port: nodePeer.port,
      identity: await identityFrom(client),
      verifyServer: tofuVerifier(store, { onFirstContact: (info) => firstContacts.push(info.certSha256) }),
      timeoutMs: 10_000,
    });
    await connection.write(encoder.encode('over the bridge'));
    expect(decoder.decode(await connection.readAll(1000))).toBe('hello over the bridge');
    await connection.close();
    expect(nodePeer.clientFingerprints.map(normaliseFingerprint)).toEqual([client.sha256]);
    expect(connection.server.certSha256).toBe(serverCert.sha256);
    expect(firstContacts).toEqual([serverCert.sha256]);
    expect((await store.get('bridge-server.test', nodePeer.port))?.certSha256).toBe(serverCert.sha256);
  });

  it('openssl s_server -Verify 1 verifies our client certificate through the tunnel', async () => {
    const transport = await connectWebSocket(bridgeUrl, '127.0.0.1', opensslPeer.port, {
      WebSocket: webSocketFrom(origin),
      timeoutMs: 5_000,
    });
    const connection = await connectTls(transport, {
      serverName: 'bridge-server.test',
      port: opensslPeer.port,
      identity: await identityFrom(client),
      verifyServer: async (info) => {
        if (info.certSha256 !== serverCert.sha256) throw new Error('unexpected server certificate');
      },
      timeoutMs: 10_000,
    });
    await connection.write(encoder.encode('ping through the bridge\n'));
    await opensslPeer.waitFor(/ping through the bridge/);
    opensslPeer.process.stdin?.write('pong via bridge\n');
    expect(decoder.decode((await connection.read()) ?? new Uint8Array())).toBe('pong via bridge\n');
    await connection.close();
    const pem = (
      await opensslPeer.waitFor(
        /Client certificate\s*\n(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----)/,
      )
    )[1];
    expect(certificateSha256FromPem(pem as string)).toBe(client.sha256);
  });

  it('a page from another origin is refused before any TLS byte flows', async () => {
    const error = await connectWebSocket(bridgeUrl, '127.0.0.1', nodePeer.port, {
      WebSocket: webSocketFrom('http://evil.test'),
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
  });

  it('a destination not on the allow-list ends the handshake with a clear, typed reason', async () => {
    // The bridge accepts the upgrade, then closes with 4001; the TLS handshake reports it as a transport failure.
    const transport = await connectWebSocket(bridgeUrl, '127.0.0.1', 1, {
      WebSocket: webSocketFrom(origin),
      timeoutMs: 5_000,
    });
    const error = await connectTls(transport, {
      serverName: 'nowhere.test',
      port: 1,
      verifyServer: async () => undefined,
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe('transport');
    expect((error as TlsError).cause).toBeInstanceOf(TransportError);
    expect(((error as TlsError).cause as TransportError).code).toBe('not_allowed');
    expect((error as TlsError).message).toMatch(/does not allow/);
  });
});
