// Failures over real sockets: a silent server (every wait times out, nothing hangs), a server that drops
// TCP without close_notify (truncation), and a too-large response.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTls, TlsError } from '../../src/lib/tls/client';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import { HostKeyChangedError, MemoryHostPinStore, tofuVerifier } from '../../src/lib/trust/host-pins';
import { identityFrom, makeCertificate, removeTempDirs, startNodeTlsServer } from '../support/tls-peers';

afterAll(() => removeTempDirs());

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('failures over sockets', () => {
  it('a server that never answers → timeout, within the budget', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    try {
      const started = Date.now();
      const error = await connectTls(await connectTcp('127.0.0.1', port), {
        serverName: 'localhost',
        port,
        verifyServer: async () => undefined,
        timeoutMs: 500,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('TCP close without close_notify after data → truncated', async () => {
    const cert = makeCertificate('ec', 'truncating.test');
    const server = createTlsServer(
      { cert: cert.certPem, key: cert.keyPem, requestCert: true, rejectUnauthorized: false },
      (socket) => {
        socket.on('error', () => undefined);
        socket.once('data', () => socket.write('partial answer', () => socket.destroy()));
      },
    );
    const port = await listen(server);
    try {
      const connection = await connectTls(await connectTcp('127.0.0.1', port), {
        serverName: 'localhost',
        port,
        identity: await identityFrom(makeCertificate('ec', 'c.test')),
        verifyServer: async () => undefined,
        timeoutMs: 5_000,
      });
      await connection.write(new TextEncoder().encode('request'));
      const error = await connection.readAll(1000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toBe('truncated');
      expect((error as Error).message).toMatch(/without close_notify/);
    } finally {
      server.close();
    }
  });

  it('a response larger than readAll allows → too_large', async () => {
    const cert = makeCertificate('ec', 'big.test');
    const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(Buffer.alloc(50_000, 0x61)));
    });
    const port = await listen(server);
    try {
      const connection = await connectTls(await connectTcp('127.0.0.1', port), {
        serverName: 'localhost',
        port,
        verifyServer: async () => undefined,
        timeoutMs: 5_000,
      });
      await connection.write(new TextEncoder().encode('request'));
      const error = await connection.readAll(10_000).catch((e: unknown) => e);
      expect((error as TlsError).code).toBe('too_large');
    } finally {
      server.close();
    }
  });

  it('a refused TCP connection is a clear transport error', async () => {
    const probe = createNetServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(connectTcp('127.0.0.1', port, { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('TOFU: first contact pinned and reported, same key accepted, a new key refused with an explanation', async () => {
    const store = new MemoryHostPinStore();
    const firstContacts: string[] = [];
    const verifyServer = tofuVerifier(store, {
      onFirstContact: (info) => firstContacts.push(info.certSha256),
    });
    const original = makeCertificate('ec', 'pinned.test');
    const first = await startNodeTlsServer(original);
    const port = first.port;
    const connectOnce = async (p: number) => {
      const connection = await connectTls(await connectTcp('127.0.0.1', p), {
        serverName: 'pinned.test',
        port: 1958,
        verifyServer,
        timeoutMs: 5_000,
      });
      await connection.write(new TextEncoder().encode('x'));
      return new TextDecoder().decode(await connection.readAll(100));
    };
    try {
      expect(await connectOnce(port)).toBe('hello x');
      expect(await connectOnce(port)).toBe('hello x');
      expect(firstContacts).toEqual([original.sha256]);
    } finally {
      await first.close();
    }
    const impostor = await startNodeTlsServer(makeCertificate('ec', 'pinned.test'));
    try {
      const error = await connectOnce(impostor.port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsError);
      expect((error as TlsError).code).toBe('untrusted_host_key');
      expect((error as TlsError).cause).toBeInstanceOf(HostKeyChangedError);
      expect((error as Error).message).toMatch(/pinned.test:1958 presented a different identity/);
      expect((await store.get('pinned.test', 1958))?.certSha256).toBe(original.sha256);
    } finally {
      await impostor.close();
    }
  });

  it('refuses to run without a verifyServer callback', async () => {
    const transport = { read: async () => null, write: async () => undefined, close: () => undefined };
    await expect(
      connectTls(transport, { serverName: 'x', port: 1 } as unknown as Parameters<typeof connectTls>[1]),
    ).rejects.toThrow(/verifyServer/);
  });
});
