// The page's transport: TLS through a WebSocket tunnel (here a minimal relay standing in for the bridge)
// to a Node TLS server, and the bridge's close codes turned into clear transport errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectTls } from '../../src/lib/tls/client';
import { TransportError } from '../../src/lib/tls/transport';
import { connectWebSocket, tunnelUrl, type WebSocketLike } from '../../src/lib/tls/websocket-transport';
import {
  identityFrom,
  freePort,
  makeCertificate,
  normaliseFingerprint,
  removeTempDirs,
  startNodeTlsServer,
  type NodeTlsPeer,
  type TestCertificate,
} from '../support/tls-peers';
import { startTunnelRelay, type TunnelRelay } from '../support/tls-tunnel-relay';

const WebSocketImpl = WebSocket as unknown as new (url: string) => WebSocketLike;
let client: TestCertificate;
let peer: NodeTlsPeer;
let relay: TunnelRelay;
let closedPort: number;

beforeAll(async () => {
  client = makeCertificate('ec', 'ws-client.test');
  peer = await startNodeTlsServer(makeCertificate('ec', 'ws-server.test'));
  closedPort = await freePort();
  relay = await startTunnelRelay([peer.port, closedPort]);
});
afterAll(async () => {
  await relay.close();
  await peer.close();
  removeTempDirs();
});

describe('WebSocket transport', () => {
  it('builds the tunnel URL of the bridge contract', () => {
    expect(tunnelUrl('ws://127.0.0.1:8080/', 'mail.example', 1958)).toBe(
      'ws://127.0.0.1:8080/tunnel?host=mail.example&port=1958',
    );
  });

  it('carries a client-authenticated TLS session end to end', async () => {
    const transport = await connectWebSocket(relay.url, '127.0.0.1', peer.port, { WebSocket: WebSocketImpl });
    const connection = await connectTls(transport, {
      serverName: 'localhost',
      port: peer.port,
      identity: await identityFrom(client),
      verifyServer: async () => undefined,
      timeoutMs: 10_000,
    });
    await connection.write(new TextEncoder().encode('through the tunnel'));
    expect(new TextDecoder().decode(await connection.readAll(1000))).toBe('hello through the tunnel');
    await connection.close();
    expect(peer.clientFingerprints.map(normaliseFingerprint)).toContain(client.sha256);
  });

  it('maps close code 4001 to a "not allowed" error', async () => {
    const transport = await connectWebSocket(relay.url, '127.0.0.1', 25, { WebSocket: WebSocketImpl });
    const error = await transport.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('not_allowed');
    expect((error as Error).message).toMatch(/does not allow/);
  });

  it('maps close code 4003 to a "refused" error, and TLS reports it as a transport failure', async () => {
    const transport = await connectWebSocket(relay.url, '127.0.0.1', closedPort, {
      WebSocket: WebSocketImpl,
    });
    const error = await connectTls(transport, {
      serverName: 'localhost',
      port: closedPort,
      verifyServer: async () => undefined,
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('transport');
    expect((error as Error).message).toMatch(/refused/);
  });

  it('fails clearly when the bridge is unreachable', async () => {
    const port = await freePort();
    const error = await connectWebSocket(`ws://127.0.0.1:${port}`, '127.0.0.1', 1958, {
      WebSocket: WebSocketImpl,
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect((error as TransportError).code).toBe('bridge_unreachable');
  });
});
