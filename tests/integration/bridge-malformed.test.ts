import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBridge } from '../../bridge/server';
import {
  closed,
  connectTunnel,
  opened,
  receive,
  startBridgeToTcp,
  within,
  type TcpServer,
} from '../../bridge/test-support';

let bridge: RunningBridge;
let tcp: TcpServer;

beforeAll(async () => {
  ({ bridge, tcp } = await startBridgeToTcp());
});

afterAll(async () => {
  await bridge?.close();
  await tcp?.close();
});

/** Sends raw bytes to the bridge and resolves with whatever comes back before it hangs up. */
function raw(bytes: string | Buffer, hangUpAfterMs = 1_500): Promise<string> {
  const { port } = new URL(bridge.url);
  return within(
    new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.write(bytes);
      setTimeout(() => socket.destroy(), hangUpAfterMs);
    }),
    hangUpAfterMs + 5_000,
    'the bridge to answer',
  );
}

function upgrade(path: string, headers: Record<string, string>): string {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${new URL(bridge.url).port}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

describe('malformed requests', () => {
  it('answers each kind with a clear HTTP error', async () => {
    const origin = new URL(bridge.url).origin;
    const good = {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      Origin: origin,
    };
    const target = `/tunnel?host=127.0.0.1&port=${tcp.port}`;
    const { 'Sec-WebSocket-Key': _key, ...noKey } = good;
    expect(await raw(upgrade(target, noKey))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade(target, { ...good, 'Sec-WebSocket-Version': '7' }))).toMatch(
      /^HTTP\/1\.1 (400|426)/,
    );
    expect(await raw(upgrade('/elsewhere', good))).toMatch(/^HTTP\/1\.1 404/);
    expect(await raw(upgrade('/tunnel?host=%zz&port=1', good))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade('/tunnel', good))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade(target, { ...good, Upgrade: 'h2c' }))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade(target, { ...good, Origin: 'null' }))).toMatch(/^HTTP\/1\.1 403/);
    // Smuggling-shaped requests: a second Host, HTTP/1.0, a body on the upgrade.
    expect(await raw(upgrade(target, { ...good, host: 'evil.example' }))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade(target, good).replace('HTTP/1.1', 'HTTP/1.0'))).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(upgrade(target, { ...good, 'Content-Length': '5' }) + 'abcde')).toMatch(
      /^HTTP\/1\.1 400/,
    );
    expect(await raw('POST /tunnel HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 426/,
    );
    expect(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431/,
    );
    expect(await raw('\x00\x01\x02 not http at all\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  });

  it(
    'survives a burst of garbage, broken frames and half requests, then still tunnels',
    { timeout: 60_000 },
    async () => {
      const origin = new URL(bridge.url).origin;
      const handshake = () =>
        upgrade(`/tunnel?host=127.0.0.1&port=${tcp.port}`, {
          Upgrade: 'websocket',
          Connection: 'Upgrade',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
          Origin: origin,
        });
      // Each attack with the time after which the client gives up; all but the unfinished request are
      // answered and hung up by the bridge itself, so they get long enough even on a loaded machine.
      const attacks: [string | Buffer, number][] = [];
      for (let i = 0; i < 40; i++) {
        attacks.push([randomBytes(200 + i), 15_000]);
        attacks.push([
          `GET /tunnel?host=${'%'.repeat(i)}&port=x HTTP/1.1\r\nHost: y\r\nUpgrade: websocket\r\n\r\n`,
          15_000,
        ]);
        attacks.push(['GET / HTTP/1.1\r\nHost: x\r\n', 1_500]); // never finished
        // A valid handshake followed by a frame with a reserved opcode, an unmasked frame, and a huge length.
        attacks.push([
          Buffer.concat([Buffer.from(handshake()), Buffer.from([0x83, 0x80, 1, 2, 3, 4])]),
          15_000,
        ]);
        attacks.push([
          Buffer.concat([Buffer.from(handshake()), Buffer.from([0x82, 0x05, 1, 2, 3, 4, 5])]),
          15_000,
        ]);
        attacks.push([
          Buffer.concat([
            Buffer.from(handshake()),
            Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
          ]),
          15_000,
        ]);
      }
      const answers = await Promise.all(attacks.map(([attack, patience]) => raw(attack, patience)));
      // Every valid handshake was upgraded and then closed for its broken frame; everything else got an error.
      expect(answers.filter((a) => a.startsWith('HTTP/1.1 101')).length).toBe(120);
      expect(answers.filter((a) => /^HTTP\/1\.1 (400|426)/.test(a)).length).toBe(80);

      const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
      await opened(ws);
      ws.send(Buffer.from('still here'));
      expect((await receive(ws, 10)).toString()).toBe('still here');
      ws.close();
      await closed(ws);
      await within(
        (async () => {
          while (bridge.openTunnels() > 0) await new Promise((r) => setTimeout(r, 10));
        })(),
        5_000,
        'every slot to be released',
      );
    },
  );
});
