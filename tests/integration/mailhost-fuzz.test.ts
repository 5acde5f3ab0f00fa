// Bad input (issue 6): 1,000 random or malformed requests and slow clients; the host keeps serving.
import { connect as connectTcp } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { misfinB, rawRequest, type TestIdentity } from '../support/mailhost-client';
import { addMailboxWithCert, startTestHost, type TestHost } from '../support/mailhost-instance';

let host: TestHost;
let alice: TestIdentity;

beforeAll(async () => {
  host = await startTestHost('localhost', {
    setup: async (dir) => {
      alice = await addMailboxWithCert(dir, 'alice');
      await addMailboxWithCert(dir, 'bob');
    },
    settings: {
      headerTimeoutMs: 400,
      totalTimeoutMs: 2500,
      ipRate: { perSecond: 100_000, burst: 100_000 },
      senderRate: { perSecond: 100_000, burst: 100_000 },
    },
  });
});

afterAll(async () => {
  await host?.stop();
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function malformed(rand: () => number, i: number): Buffer {
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  switch (i % 12) {
    case 0:
      return bytes(1 + Math.floor(rand() * 3000));
    case 1:
      return Buffer.from(`misfin://bob@localhost ${'x'.repeat(2100)}\r\n`);
    case 2:
      return Buffer.from(`misfin://bob@localhost\t${Math.floor(rand() * 1e9)}\r\n`);
    case 3:
      return Buffer.concat([Buffer.from('misfin://bob@localhost '), bytes(50), Buffer.from('\r\n')]);
    case 4:
      return Buffer.from(
        `misfin://${pick(['', '@', 'a@', '@b', 'a b@c', 'a@b@c', 'x'.repeat(300) + '@localhost'])} hi\r\n`,
      );
    case 5:
      return Buffer.from(`misfin://bob@localhost hi\rthere\r\n`);
    case 6:
      return Buffer.from(`gemini://localhost/${bytes(20).toString('latin1')}\r\n`, 'latin1');
    case 7:
      return Buffer.from(`gemini://${'a'.repeat(1100)}\r\n`);
    case 8:
      return Buffer.from(`misfin://bob@localhost\t5\r\nab\rcd`);
    case 9:
      return Buffer.from(`MISFIN://bob@localhost\t-1\r\n`);
    case 10:
      return Buffer.from(
        `gemini://localhost/register?mailbox=${'%ff'.repeat(20)}&invite=x&csr=${'A'.repeat(200)}\r\n`,
      );
    default:
      return Buffer.from(pick(['\r\n', ' ', 'misfin:/', 'gemini://\r\n', 'misfin://bob@localhost\t\r\n']));
  }
}

/** Sends bytes, then reads whatever comes back; resolves with the first line or 'closed'. Never hangs. */
function poke(payload: Buffer, withCert: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: host.port,
      rejectUnauthorized: false,
      servername: 'localhost',
      ...(withCert ? { key: alice.keyPem, cert: alice.certPem } : {}),
    });
    let text = '';
    const done = (result: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('client timeout'), 15_000);
    socket.once('secureConnect', () => {
      socket.write(payload);
      // Half of the clients never finish their request: the host must answer or close on its own.
    });
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.once('end', () => done(text.split('\r\n')[0] || 'closed'));
    socket.once('error', () => done(text.split('\r\n')[0] || 'closed'));
  });
}

describe('bad input', () => {
  it('answers or closes 1,000 random and malformed requests, then still delivers', async () => {
    const rand = random(1958);
    const results: string[] = [];
    const payloads = Array.from({ length: 1000 }, (_, i) => malformed(rand, i));
    for (let start = 0; start < payloads.length; start += 100) {
      const batch = payloads.slice(start, start + 100).map((p, k) => poke(p, (start + k) % 2 === 0));
      results.push(...(await Promise.all(batch)));
    }
    expect(results.filter((r) => r === 'client timeout')).toEqual([]);
    for (const line of results) expect(line === 'closed' || /^\d{2}( |$)/.test(line), line).toBe(true);
    expect(results.filter((r) => r.startsWith('59')).length).toBeGreaterThan(300);
    const ok = await rawRequest(host.port, misfinB('bob@localhost', 'still here'), { identity: alice });
    expect(ok.status).toBe(20);
  }, 120_000);

  it('cuts off slow clients (slowloris) while serving others', async () => {
    // Its own host with a longer header timeout: the normal delivery must finish while the slow ones hang.
    const patient = await startTestHost('localhost', {
      setup: async (dir) => {
        await addMailboxWithCert(dir, 'bob');
      },
      settings: { headerTimeoutMs: 3000, totalTimeoutMs: 6000 },
    });
    const port = patient.port;
    const sender = await addMailboxWithCert(patient.dataDir, 'sender');
    try {
      const slow: Promise<string>[] = [];
      for (let i = 0; i < 30; i++) {
        slow.push(
          new Promise((resolve) => {
            const socket = connect({
              host: '127.0.0.1',
              port,
              rejectUnauthorized: false,
              key: sender.keyPem,
              cert: sender.certPem,
            });
            const request = 'misfin://bob@localhost a slow message\r\n';
            let sent = 0;
            let text = '';
            const drip = setInterval(() => {
              if (sent < request.length && socket.writable) socket.write(request[sent++]!);
            }, 150);
            const timer = setTimeout(() => finish('client timeout'), 10_000);
            const finish = (result: string) => {
              clearInterval(drip);
              clearTimeout(timer);
              socket.destroy();
              resolve(result);
            };
            socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
            socket.once('end', () => finish(text.split('\r\n')[0] || 'closed'));
            socket.once('error', () => finish(text.split('\r\n')[0] || 'closed'));
          }),
        );
      }
      // Raw TCP clients that never start TLS are dropped by the handshake timeout.
      const silent = Array.from(
        { length: 20 },
        () =>
          new Promise<string>((resolve) => {
            const socket = connectTcp(port, '127.0.0.1');
            const timer = setTimeout(() => {
              socket.destroy();
              resolve('client timeout');
            }, 10_000);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve('closed');
            });
            socket.on('error', () => undefined);
          }),
      );
      const started = Date.now();
      const ok = await rawRequest(port, misfinB('bob@localhost', 'not slow'), { identity: sender });
      expect(ok.status).toBe(20);
      expect(Date.now() - started).toBeLessThan(2500);
      const slowResults = await Promise.all(slow);
      for (const result of slowResults) expect(result).toBe('40 request timeout');
      expect(await Promise.all(silent)).toEqual(Array(20).fill('closed'));
    } finally {
      await patient.stop();
    }
  }, 30_000);
});
