import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../bridge/close-codes';
import type { BridgeOptions } from '../../bridge/options';
import { startBridge, type RunningBridge } from '../../bridge/server';
import {
  closed,
  connectTunnel,
  opened,
  startTcpServer,
  within,
  type TcpServer,
} from '../../bridge/test-support';

let bridge: RunningBridge | undefined;
let tcp: TcpServer | undefined;

async function start(extra: Partial<BridgeOptions>) {
  tcp = await startTcpServer();
  bridge = await startBridge({
    listen: '127.0.0.1',
    port: 0,
    allow: [`127.0.0.1:${tcp.port}`],
    log: () => {},
    ...extra,
  });
  return { bridge, tcp };
}

afterEach(async () => {
  await bridge?.close();
  await tcp?.close();
  bridge = undefined;
  tcp = undefined;
});

describe('timeouts', () => {
  it('gives up on resolving and connecting after the connect timeout', async () => {
    // A resolver that never answers stands in for a dead name server.
    const { bridge } = await start({ connectTimeoutMs: 300, lookup: () => new Promise(() => {}) });
    const ws = connectTunnel(bridge.url, 'slow.example', 1958);
    const started = Date.now();
    await opened(ws);
    expect(await closed(ws)).toEqual({ code: CloseCode.timeout, reason: 'connect timed out' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('closes a tunnel with no traffic after the idle timeout, and the TCP side with it', async () => {
    const { bridge, tcp } = await start({ idleTimeoutMs: 300 });
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send(Buffer.from('one message, then silence'));
    const started = Date.now();
    expect(await closed(ws)).toEqual({ code: CloseCode.timeout, reason: 'idle timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await within(
      (async () => {
        while (tcp.sockets.size > 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      2_000,
      'the TCP connection to close',
    );
  });

  it('keeps a busy tunnel past the idle timeout but ends it at the maximum lifetime', async () => {
    // Ticks every 50 ms against a 1 s idle timeout leave room for a loaded machine's scheduling gaps.
    const { bridge, tcp } = await start({ idleTimeoutMs: 1_000, maxLifetimeMs: 1_500 });
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    const ticker = setInterval(() => ws.readyState === ws.OPEN && ws.send(Buffer.from('tick')), 50);
    const started = Date.now();
    try {
      expect(await closed(ws)).toEqual({ code: CloseCode.limit, reason: 'maximum tunnel lifetime reached' });
    } finally {
      clearInterval(ticker);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });
});
