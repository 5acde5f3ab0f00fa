import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../bridge/close-codes';
import type { BridgeOptions, LookupFunction } from '../../bridge/options';
import { startBridge, type RunningBridge } from '../../bridge/server';
import {
  closed,
  connectTunnel,
  opened,
  receive,
  refusedStatus,
  startTcpServer,
  tunnelUrl,
  type TcpServer,
} from '../../bridge/test-support';
import { WebSocket } from 'ws';

let bridge: RunningBridge | undefined;
let tcp: TcpServer | undefined;

async function start(extra: Partial<BridgeOptions> = {}) {
  tcp ??= await startTcpServer();
  bridge = await startBridge({ listen: '127.0.0.1', port: 0, log: () => {}, ...extra });
  return bridge;
}

afterEach(async () => {
  await bridge?.close();
  await tcp?.close();
  bridge = undefined;
  tcp = undefined;
});

/** Opens a tunnel and returns how the bridge closed it. */
async function closeOf(url: string, host: string, port: number | string) {
  const ws = connectTunnel(url, host, port);
  const close = closed(ws);
  await opened(ws);
  return close;
}

const fixed =
  (...addresses: string[]): LookupFunction =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('destination policy', () => {
  it('refuses IP literals by default, even public ones', async () => {
    const { url } = await start();
    expect(await closeOf(url, '127.0.0.1', 1958)).toEqual({
      code: CloseCode.notAllowed,
      reason: 'IP addresses are not accepted, use a host name',
    });
    expect((await closeOf(url, '8.8.8.8', 1958)).code).toBe(CloseCode.notAllowed);
    expect((await closeOf(url, '127.1', 1958)).code).toBe(CloseCode.notAllowed);
    expect((await closeOf(url, '0x7f000001', 1958)).code).toBe(CloseCode.notAllowed);
  });

  it('refuses loopback and private IP literals when literals are accepted', async () => {
    const { url } = await start({ allowIpLiterals: true });
    expect(await closeOf(url, '127.0.0.1', 1958)).toEqual({
      code: CloseCode.notAllowed,
      reason: '127.0.0.1 is not public (loopback)',
    });
    expect((await closeOf(url, '10.1.2.3', 1958)).reason).toMatch(/private/);
    expect((await closeOf(url, '169.254.169.254', 1958)).reason).toMatch(/link-local/);
    expect((await closeOf(url, '[::1]', 1958)).reason).toMatch(/loopback/);
  });

  it('refuses IPv4-mapped and NAT64 forms of loopback', async () => {
    const { url } = await start({ allowIpLiterals: true });
    expect((await closeOf(url, '[::ffff:127.0.0.1]', 1958)).reason).toMatch(/IPv4-mapped of loopback/);
    expect((await closeOf(url, '::ffff:7f00:1', 1958)).reason).toMatch(/IPv4-mapped of loopback/);
    await bridge!.close();
    const named = await start({ lookup: fixed('::ffff:7f00:1') });
    expect((await closeOf(named.url, 'mapped.example', 1958)).reason).toMatch(/IPv4-mapped of loopback/);
    await bridge!.close();
    const nat64 = await start({ lookup: fixed('64:ff9b::a00:1') });
    expect((await closeOf(nat64.url, 'nat64.example', 1958)).reason).toMatch(/NAT64 of private/);
  });

  it('refuses a name that resolves to 127.0.0.1 (injected resolver and the real "localhost")', async () => {
    const { url } = await start({ lookup: fixed('127.0.0.1') });
    expect(await closeOf(url, 'evil.example', 1958)).toEqual({
      code: CloseCode.notAllowed,
      reason: 'evil.example is not public (loopback)',
    });
    await bridge!.close();
    const real = await start();
    expect((await closeOf(real.url, 'localhost', 1958)).reason).toMatch(/localhost is not public/);
  });

  it('refuses a name when any one of its addresses is not public', async () => {
    const { url } = await start({ lookup: fixed('8.8.8.8', '192.168.0.10') });
    expect((await closeOf(url, 'mixed.example', 1958)).reason).toMatch(/private/);
  });

  it('refuses ports that are not on the list, and accepts a changed list', async () => {
    const { url } = await start({ lookup: fixed('127.0.0.1') });
    expect(await closeOf(url, 'mail.example', 25)).toEqual({
      code: CloseCode.notAllowed,
      reason: 'port 25 is not allowed',
    });
    await bridge!.close();
    const custom = await start({ ports: [25], lookup: fixed('127.0.0.1') });
    // Port 25 now passes the port check and fails on the address instead.
    expect((await closeOf(custom.url, 'mail.example', 25)).reason).toMatch(/not public/);
    expect((await closeOf(custom.url, 'mail.example', 1958)).reason).toBe('port 1958 is not allowed');
  });

  it('answers malformed parameters with HTTP 400', async () => {
    const { url } = await start();
    for (const [host, port] of [
      ['mail.example', 'abc'],
      ['mail.example', '70000'],
      ['mail.example', '0'],
      ['mail.example', '-1'],
      ['', '1958'],
      ['bad host', '1958'],
      ['a'.repeat(300), '1958'],
      ['user@mail.example', '1958'],
    ]) {
      expect(await refusedStatus(connectTunnel(url, host!, port!))).toBe(400);
    }
    const noPort = new WebSocket(tunnelUrl(url, 'x', 1).replace(/&port=1/, ''), {
      origin: new URL(url).origin,
    });
    expect(await refusedStatus(noPort)).toBe(400);
  });

  it('reports resolution failure as 4002 and a refused connection as 4003', async () => {
    const failing: LookupFunction = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const { url } = await start({ lookup: failing });
    expect(await closeOf(url, 'nowhere.example', 1958)).toEqual({
      code: CloseCode.dnsFailure,
      reason: 'nowhere.example did not resolve',
    });
    await bridge!.close();
    const empty = await start({ lookup: fixed() });
    expect((await closeOf(empty.url, 'empty.example', 1958)).code).toBe(CloseCode.dnsFailure);
    await bridge!.close();
    const gone = await startTcpServer();
    const port = gone.port;
    await gone.close();
    const refusing = await start({ allow: [`127.0.0.1:${port}`] });
    const close = await closeOf(refusing.url, '127.0.0.1', port);
    expect(close.code).toBe(CloseCode.refused);
    expect(close.reason).toMatch(/ECONNREFUSED/);
  });

  it('frees the slot at once when a tunnel that already had data queued is refused', async () => {
    const gone = await startTcpServer();
    const port = gone.port;
    await gone.close();
    // A slow resolver keeps the tunnel connecting while the page's first message arrives.
    const slow: LookupFunction = () =>
      new Promise((resolve) => setTimeout(() => resolve([{ address: '127.0.0.1', family: 4 }]), 200));
    const { url } = await start({ allow: [`slow.test:${port}`], lookup: slow });
    const ws = connectTunnel(url, 'slow.test', port);
    const close = closed(ws);
    await opened(ws);
    ws.send(Buffer.from('client hello, held while connecting'));
    expect((await close).code).toBe(CloseCode.refused);
    const started = Date.now();
    while (bridge!.openTunnels() > 0 && Date.now() - started < 3_000)
      await new Promise((r) => setTimeout(r, 10));
    expect(bridge!.openTunnels()).toBe(0);
  });

  it('lets an allow entry by name through and connects to the address it checked (no second lookup)', async () => {
    tcp = await startTcpServer();
    let calls = 0;
    // A rebinding resolver: the first answer is the echo server, later answers point elsewhere.
    const rebinding: LookupFunction = async () => {
      calls += 1;
      return [{ address: calls === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    };
    const { url } = await start({ allow: [`mail.test:${tcp.port}`], lookup: rebinding });
    const ws = connectTunnel(url, 'MAIL.test.', tcp.port);
    await opened(ws);
    ws.send(Buffer.from('ping'));
    expect((await receive(ws, 4)).toString()).toBe('ping');
    expect(calls).toBe(1);
    ws.close();
    // The entry is for that host and port only.
    expect((await closeOf(url, 'mail.test', tcp.port + 1)).code).toBe(CloseCode.notAllowed);
  });
});

describe('origin check', () => {
  it('refuses a foreign Origin, a missing Origin and a rebound Host with 403', async () => {
    const { url } = await start({ lookup: fixed('127.0.0.1') });
    expect(
      await refusedStatus(connectTunnel(url, 'a.example', 1958, { origin: 'https://evil.example' })),
    ).toBe(403);
    const noOrigin = new WebSocket(tunnelUrl(url, 'a.example', 1958));
    expect(await refusedStatus(noOrigin)).toBe(403);
    const port = new URL(url).port;
    const rebound = connectTunnel(url, 'a.example', 1958, {
      origin: `http://rebind.evil.example:${port}`,
      headers: { Host: `rebind.evil.example:${port}` },
    });
    expect(await refusedStatus(rebound)).toBe(403);
  });

  it('accepts the bridge’s own origin in both loopback spellings', async () => {
    const { url } = await start({ lookup: fixed('127.0.0.1') });
    const port = new URL(url).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect((await closeOf2(url, origin)).code).toBe(CloseCode.notAllowed);
    }
  });

  it('uses only the configured origins when given', async () => {
    const { url } = await start({ origins: ['https://mail.example.org'], lookup: fixed('127.0.0.1') });
    expect(await refusedStatus(connectTunnel(url, 'a.example', 1958))).toBe(403);
    expect((await closeOf2(url, 'https://mail.example.org')).code).toBe(CloseCode.notAllowed);
  });
});

async function closeOf2(url: string, origin: string) {
  const ws = connectTunnel(url, 'a.example', 1958, { origin });
  const close = closed(ws);
  await opened(ws);
  return close;
}

describe('tunnel limits', () => {
  it('refuses tunnels beyond the per-IP cap with 4005 and frees the slot on close', async () => {
    tcp = await startTcpServer();
    const { url } = await start({ allow: [`127.0.0.1:${tcp.port}`], maxTunnelsPerIp: 2 });
    const first = connectTunnel(url, '127.0.0.1', tcp.port);
    const second = connectTunnel(url, '127.0.0.1', tcp.port);
    await Promise.all([opened(first), opened(second)]);
    const third = await closeOf(url, '127.0.0.1', tcp.port);
    expect(third).toEqual({ code: CloseCode.limit, reason: 'too many tunnels from 127.0.0.1' });
    first.close();
    await closed(first);
    while (bridge!.openTunnels() > 1) await new Promise((r) => setTimeout(r, 5));
    const again = connectTunnel(url, '127.0.0.1', tcp.port);
    await opened(again);
    again.send(Buffer.from('ok'));
    expect((await receive(again, 2)).toString()).toBe('ok');
    again.close();
    second.close();
  });

  it('caps the total, and counts X-Forwarded-For clients separately only with trustProxy', async () => {
    tcp = await startTcpServer();
    const common = { allow: [`127.0.0.1:${tcp.port}`], maxTunnelsPerIp: 1, maxTunnels: 2 };
    const viaProxy = (url: string, ip: string) =>
      connectTunnel(url, '127.0.0.1', tcp!.port, { headers: { 'X-Forwarded-For': `6.6.6.6, ${ip}` } });

    const plain = await start(common);
    const a = viaProxy(plain.url, '203.0.113.1');
    await opened(a);
    const b = viaProxy(plain.url, '203.0.113.2');
    expect((await closed(b)).reason).toBe('too many tunnels from 127.0.0.1');
    a.close();
    await bridge!.close();

    const proxied = await start({ ...common, trustProxy: true });
    const c = viaProxy(proxied.url, '203.0.113.1');
    const d = viaProxy(proxied.url, '203.0.113.2');
    await Promise.all([opened(c), opened(d)]);
    const e = viaProxy(proxied.url, '203.0.113.3');
    expect((await closed(e)).reason).toBe('the bridge is at its tunnel limit');
    c.close();
    d.close();
  });

  it('answers new tunnels beyond the per-client rate with 429 and Retry-After, per client', async () => {
    tcp = await startTcpServer();
    const { url } = await start({
      allow: [`127.0.0.1:${tcp.port}`],
      newTunnelsPerMinute: 2,
      trustProxy: true,
    });
    const from = (ip: string) =>
      connectTunnel(url, '127.0.0.1', tcp!.port, { headers: { 'X-Forwarded-For': ip } });
    for (let i = 0; i < 2; i++) {
      const ws = from('203.0.113.1');
      await opened(ws);
      ws.close();
      await closed(ws);
    }
    const refused = from('203.0.113.1');
    const response = new Promise<{ status: number; retryAfter: string | undefined }>((resolve) =>
      refused.once('unexpected-response', (_req, res) => {
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
        });
        res.resume();
      }),
    );
    refused.on('error', () => {});
    // One token comes back every 30 s at 2 a minute.
    expect(await response).toEqual({ status: 429, retryAfter: '30' });
    // Refused before the upgrade: no slot was taken. Another client still gets through.
    expect(bridge!.openTunnels()).toBe(0);
    const other = from('203.0.113.2');
    await opened(other);
    other.close();
    await closed(other);
  });
});
