// The mail host reads the first TLS record itself before Node's TLS sees it (mailhost/listener.ts,
// client-hello-psk.ts). A client that sends that record slowly or never finishes it is cut off after the
// header timeout, not the much longer total timeout; a ClientHello cut into one-byte reads still resumes.
import { connect as connectTcp, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

const headerTimeoutMs = 1_500;
const inbox = 'gemini://localhost/tag/Inbox\r\n';
const totalTimeoutMs = 30_000;

let host: TestHost;
let alice: TestIdentity;

beforeAll(async () => {
  host = await startTestHost('localhost', {
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
    },
    settings: { headerTimeoutMs, totalTimeoutMs },
  });
});

afterAll(async () => {
  await host?.stop();
});

/** Milliseconds until the host closes a raw TCP connection that sent `bytes` and then nothing more. */
function closedAfter(bytes: Buffer, patienceMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connectTcp(host.port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${patienceMs} ms`));
    }, patienceMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.resume();
  });
}

/** A TCP relay to the host that forwards the client's first `slowBytes` bytes one write at a time. */
async function dribblingRelay(slowBytes: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((client) => {
    const upstream = connectTcp(host.port, '127.0.0.1');
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    let sent = 0;
    const queue: number[] = [];
    let pumping = false;
    const pump = () => {
      const byte = queue.shift();
      if (byte === undefined) return void (pumping = false);
      upstream.write(Buffer.of(byte));
      sent += 1;
      setImmediate(pump);
    };
    client.on('data', (chunk: Buffer) => {
      if (sent + queue.length >= slowBytes && queue.length === 0) return void upstream.write(chunk);
      queue.push(...chunk);
      if (!pumping) {
        pumping = true;
        pump();
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('end', () => b.end());
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('the first TLS record', () => {
  it('a record header promising 16 KB followed by 10 bytes and silence is cut off at the header timeout', async () => {
    const header = Buffer.from([22, 3, 1, 0x40, 0x00]);
    const elapsed = await closedAfter(Buffer.concat([header, Buffer.alloc(10, 1)]), 10_000);
    expect(elapsed).toBeGreaterThanOrEqual(headerTimeoutMs - 100);
    expect(elapsed).toBeLessThan(headerTimeoutMs + 3_000);
  });

  it('so is a client that never gets past the first 3 bytes of a record header', async () => {
    const elapsed = await closedAfter(Buffer.from([22, 3, 1]), 10_000);
    expect(elapsed).toBeLessThan(headerTimeoutMs + 3_000);
  });

  it(
    'a ClientHello arriving one byte per read still resumes the kept session',
    { timeout: 30_000 },
    async () => {
      const first = await rawRequest(host.port, inbox, { identity: alice });
      expect(first.status).toBe(20);
      const relay = await dribblingRelay(700);
      try {
        const resumed = await rawRequest(relay.port, inbox, { session: first.sessions.at(-1)! });
        expect(resumed.status).toBe(20);
        expect(resumed.reused).toBe(true);
      } finally {
        await relay.close();
      }
    },
  );
});
