import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../../bridge/server';
import { CloseCode } from '../../bridge/close-codes';
import {
  closed,
  connectTunnel,
  opened,
  receive,
  startBridgeToTcp,
  startTcpServer,
  within,
  type TcpServer,
} from '../../bridge/test-support';

let bridge: RunningBridge | undefined;
let tcp: TcpServer | undefined;
let lines: string[] = [];

async function setUp(onSocket?: Parameters<typeof startTcpServer>[0], extra: object = {}) {
  ({ bridge, tcp, lines } = await startBridgeToTcp(onSocket, extra));
  return { bridge, tcp };
}

afterEach(async () => {
  await bridge?.close();
  await tcp?.close();
  bridge = undefined;
  tcp = undefined;
});

describe('the tunnel', () => {
  it('carries bytes both ways to a loopback echo server allowed by an explicit entry', async () => {
    const { bridge, tcp } = await setUp();
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    // Sent at once, before the bridge has finished connecting: the bridge must hold it, not drop it.
    const payload = Buffer.from('SECRET-CIPHERTEXT-' + 'x'.repeat(70_000));
    ws.send(payload);
    const echoed = await receive(ws, payload.length);
    expect(echoed.equals(payload)).toBe(true);
    ws.close(1000);
    expect((await closed(ws)).code).toBe(1000);
    await within(
      (async () => {
        while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      2_000,
      'the log line',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z tunnel client=127\.0\.0\.1 dest=127\.0\.0\.1:\d+ ip=127\.0\.0\.1 /,
    );
    expect(line).toContain(`up=${payload.length} down=${payload.length}`);
    expect(line).toMatch(/ ms=\d+ close=1000 reason="page closed"$/);
    expect(line).not.toContain('SECRET');
    expect(bridge.openTunnels()).toBe(0);
  });

  it('closes with 1000 after delivering everything when the host closes (FIN)', async () => {
    const { bridge, tcp } = await setUp((socket) => socket.end(Buffer.alloc(300_000, 7)));
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    const data = receive(ws, 300_000);
    const close = closed(ws);
    await opened(ws);
    expect((await data).every((b) => b === 7)).toBe(true);
    expect(await close).toEqual({ code: CloseCode.peerClosed, reason: 'peer closed' });
  });

  it('closes with 4006 when the host resets the connection', async () => {
    const { bridge, tcp } = await setUp((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send(Buffer.from('hi'));
    const { code, reason } = await closed(ws);
    expect(code).toBe(CloseCode.peerReset);
    expect(reason).toMatch(/ECONNRESET/);
  });

  it('ends the TCP connection cleanly when the page closes cleanly, after the last bytes', async () => {
    let received = '';
    const ended = new Promise<string>((resolve) =>
      setUp((socket) => {
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('end', () => resolve(received));
      }),
    );
    while (!bridge) await new Promise((r) => setTimeout(r, 5));
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp!.port);
    await opened(ws);
    ws.send(Buffer.from('last words'));
    ws.close(1000);
    expect(await within(ended, 5_000, 'TCP end')).toBe('last words');
  });

  it('drops the TCP connection when the page vanishes without a close frame', async () => {
    let gone: () => void = () => {};
    const socketClosed = new Promise<void>((resolve) => (gone = resolve));
    const { bridge, tcp } = await setUp((socket) => {
      socket.on('data', () => {});
      socket.on('close', () => gone());
    });
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send(Buffer.from('x'));
    await within(
      (async () => {
        while (tcp.sockets.size === 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      2_000,
      'the TCP connection',
    );
    ws.terminate();
    await within(socketClosed, 5_000, 'the TCP side to close');
    await within(
      (async () => {
        while (bridge.openTunnels() > 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      2_000,
      'the slot to be released',
    );
    expect(lines[0]).toMatch(/close=1006/);
  });

  it('refuses text frames with 1003', async () => {
    const { bridge, tcp } = await setUp();
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send('hello as text');
    expect(await closed(ws)).toEqual({ code: CloseCode.textFrame, reason: 'binary frames only' });
  });

  it('refuses messages above the maximum size with 1009', async () => {
    const { bridge, tcp } = await setUp(undefined, { maxMessageBytes: 4096 });
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send(Buffer.alloc(4097));
    expect((await closed(ws)).code).toBe(CloseCode.messageTooBig);
  });

  it('closes every tunnel with 1001 when the bridge stops', async () => {
    const { bridge, tcp } = await setUp();
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    const close = closed(ws);
    await bridge.close();
    expect((await close).code).toBe(CloseCode.goingAway);
  });
});
