// The bridge's own WebSocket server side (bridge/ws-connection.ts) against the `ws` client and raw sockets:
// the parts of RFC 6455 a tunnel relies on beyond plain binary messages.
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../bridge/close-codes';
import type { RunningBridge } from '../../bridge/server';
import {
  closed,
  connectTunnel,
  maskedFrame,
  opened,
  receive,
  startBridgeToTcp,
  startTcpServer,
  within,
  waitUntil,
  type TcpServer,
} from '../../bridge/test-support';
import { PageConnection } from '../../bridge/ws-connection';

let bridge: RunningBridge | undefined;
let tcp: TcpServer | undefined;
let lines: string[] = [];
let rawServer: Server | undefined;

async function setUp(onSocket?: Parameters<typeof startTcpServer>[0], extra: object = {}) {
  ({ bridge, tcp, lines } = await startBridgeToTcp(onSocket, extra));
  return { bridge, tcp };
}

afterEach(async () => {
  await bridge?.close();
  await tcp?.close();
  await new Promise<void>((resolve) => (rawServer ? rawServer.close(() => resolve()) : resolve()));
  bridge = undefined;
  tcp = undefined;
  rawServer = undefined;
});

describe('the bridge as a WebSocket server', () => {
  it('answers pings and carries a fragmented message as one byte stream', async () => {
    const { bridge, tcp } = await setUp();
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    const pong = within(new Promise<Buffer>((resolve) => ws.once('pong', resolve)), 5_000, 'pong');
    ws.ping(Buffer.from('are you there'));
    expect((await pong).toString()).toBe('are you there');
    const echoed = receive(ws, 9);
    ws.send(Buffer.from('one '), { fin: false });
    ws.ping();
    ws.send(Buffer.from('two '), { fin: false });
    ws.send(Buffer.from('3'), { fin: true });
    expect((await echoed).toString()).toBe('one two 3');
    ws.close();
    await closed(ws);
  });

  it('counts the fragments of one message against the size limit', async () => {
    const received: Buffer[] = [];
    const { bridge, tcp } = await setUp((socket) => socket.on('data', (d) => received.push(d)), {
      maxMessageBytes: 4096,
    });
    const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
    await opened(ws);
    ws.send(Buffer.alloc(3000, 1), { fin: false });
    ws.send(Buffer.alloc(3000, 2), { fin: true });
    expect(await closed(ws)).toEqual({ code: CloseCode.messageTooBig, reason: 'message too big' });
    // Nothing of the fragment that broke the limit reached the host.
    expect(Buffer.concat(received).every((b) => b === 1)).toBe(true);
  });

  it('takes frames sent in the same packet as the handshake, and answers a status-less close', async () => {
    const { bridge, tcp } = await setUp();
    const { port } = new URL(bridge.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = Buffer.alloc(0);
    socket.on('data', (chunk) => (answer = Buffer.concat([answer, chunk])));
    const gone = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const handshake =
      `GET /tunnel?host=127.0.0.1&port=${tcp.port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nOrigin: ${new URL(bridge.url).origin}\r\n\r\n`;
    socket.write(Buffer.concat([Buffer.from(handshake), maskedFrame(0x2, Buffer.from('hello'))]));
    // The echo comes back as one unmasked binary frame.
    const frame = Buffer.from([0x82, 0x05, ...Buffer.from('hello')]);
    await waitUntil(() => answer.includes(frame), 'the echoed frame');
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    socket.write(maskedFrame(0x8, Buffer.alloc(0)));
    await within(gone, 5_000, 'the bridge to hang up');
    // §5.5.1: the answering close frame has no status either; the bridge closed TCP first.
    expect(answer.subarray(answer.length - 2).equals(Buffer.from([0x88, 0x00]))).toBe(true);
    await waitUntil(() => lines.length === 1, 'the log line');
    expect(lines[0]).toMatch(/close=1005 reason="page closed"$/);
  });

  it('delivers every byte of several bulk downloads at once (read buffers are reused only once written)', async () => {
    // Each host connection sends its own numbered pattern, so a buffer reused too early would show.
    const total = 24 * 1024 * 1024;
    const pattern = (seed: number, offset: number) => (offset * 7 + seed * 31 + (offset >> 16)) & 0xff;
    const { bridge, tcp } = await setUp((socket) => {
      socket.once('data', (first) => {
        const seed = first[0]!;
        let offset = 0;
        const pump = () => {
          while (offset < total) {
            const block = Buffer.alloc(Math.min(100_003, total - offset));
            for (let i = 0; i < block.length; i++) block[i] = pattern(seed, offset + i);
            offset += block.length;
            if (!socket.write(block)) return socket.once('drain', pump);
          }
        };
        pump();
      });
    });
    const check = async (seed: number) => {
      const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
      await opened(ws);
      let offset = 0;
      let bad = -1;
      const done = within(
        new Promise<void>((resolve) => {
          ws.on('message', (data: Buffer) => {
            for (let i = 0; i < data.length; i++)
              if (bad < 0 && data[i] !== pattern(seed, offset + i)) bad = offset + i;
            offset += data.length;
            if (offset >= total) resolve();
          });
        }),
        60_000,
        `download ${seed}`,
      );
      ws.send(Buffer.from([seed]));
      await done;
      ws.close();
      return bad;
    };
    expect(await Promise.all([1, 2, 3].map(check))).toEqual([-1, -1, -1]);
  }, 90_000);

  it('delivers every byte of several bulk uploads at once, in messages of mixed sizes, to a slow host', async () => {
    // Page reads go into reused buffers (a shared one for small reads, own ones for large reads), handed
    // to the host as views: each tunnel sends its own numbered pattern, so a buffer reused before its
    // bytes were written, or one tunnel's bytes in another's stream, would show.
    const total = 12 * 1024 * 1024;
    const pattern = (seed: number, offset: number) => (offset * 13 + seed * 57 + (offset >> 12)) & 0xff;
    const results = new Map<number, { got: number; bad: number }>();
    const { bridge, tcp } = await setUp(
      (socket) => {
        let seed = -1;
        const result = { got: 0, bad: -1 };
        socket.on('data', (data: Buffer) => {
          let start = 0;
          if (seed < 0) {
            seed = data[0]!;
            results.set(seed, result);
            start = 1;
          }
          for (let i = start; i < data.length; i++) {
            if (result.bad < 0 && data[i] !== pattern(seed, result.got)) result.bad = result.got;
            result.got += 1;
          }
          // A host that reads slowly, so the bridge's writes to it queue up while it reads on from the page.
          socket.pause();
          setTimeout(() => socket.resume(), 3);
          if (result.got >= total) socket.write('k');
        });
        // A buffer limit above the largest read, so the bridge reads on from the page while earlier reads
        // still wait to be written to the host.
      },
      { bufferLimitBytes: 4 * 1024 * 1024 },
    );
    const send = async (seed: number) => {
      const ws = connectTunnel(bridge.url, '127.0.0.1', tcp.port);
      await opened(ws);
      const acked = receive(ws, 1, 60_000);
      ws.send(Buffer.from([seed]));
      let offset = 0;
      let size = 1;
      while (offset < total) {
        // Sizes from 1 byte to 300 KB, so reads land both in the shared buffer and in buffers of their own.
        size = (size * 7919 + seed) % 300_000 || 1;
        const message = Buffer.alloc(Math.min(size, total - offset));
        for (let i = 0; i < message.length; i++) message[i] = pattern(seed, offset + i);
        offset += message.length;
        ws.send(message);
        while (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
      }
      await acked;
      ws.close();
    };
    await within(Promise.all([1, 2, 3].map(send)), 80_000, 'the uploads');
    expect([1, 2, 3].map((seed) => results.get(seed))).toEqual(
      [1, 2, 3].map(() => ({ got: total, bad: -1 })),
    );
  }, 90_000);

  it('drops a connection whose page never answers the closing handshake, after the deadline', async () => {
    const events: string[] = [];
    const connection = new Promise<PageConnection>((resolve) => {
      rawServer = createServer((socket: Socket) => {
        const page = new PageConnection(socket, Buffer.alloc(0), 1024, 300);
        page.start({
          data: () => events.push('data'),
          failed: () => events.push('failed'),
          closed: (code) => events.push(`closed ${code}`),
        });
        resolve(page);
      });
      rawServer.listen(0, '127.0.0.1');
    });
    await new Promise((r) => rawServer!.once('listening', r));
    const address = rawServer!.address();
    const client = connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1');
    let received = Buffer.alloc(0);
    client.on('data', (chunk) => (received = Buffer.concat([received, chunk])));
    const clientGone = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const page = await within(connection, 5_000, 'the connection');
    const started = Date.now();
    page.close(4000, 'bye');
    // Data after the close frame was sent is not passed on.
    client.write(maskedFrame(0x2, Buffer.from('late')));
    await within(clientGone, 5_000, 'the deadline to drop the socket');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(received.equals(Buffer.from([0x88, 0x05, 0x0f, 0xa0, ...Buffer.from('bye')]))).toBe(true);
    await waitUntil(() => events.length > 0, 'the closed event');
    expect(events).toEqual(['closed 1006']);
  });
});
