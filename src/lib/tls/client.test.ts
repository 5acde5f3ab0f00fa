// connectTls over scripted in-memory transports: every failure ends in a typed TlsError within the time
// budget, never in a hang (a transport that answers at once must not be able to spin the handshake loop).
import { describe, expect, it } from 'vitest';
import { connectTls, TlsError } from './client';
import type { ByteTransport } from './transport';

/** Hands out `chunks` in order, then EOF (or nothing ever, when `thenSilence`). Records what we wrote. */
function scripted(chunks: Uint8Array[], thenSilence = false) {
  const written: Uint8Array[] = [];
  let closed = false;
  const transport: ByteTransport = {
    read: () => {
      const chunk = chunks.shift();
      if (chunk) return Promise.resolve(chunk);
      return thenSilence ? new Promise<never>(() => undefined) : Promise.resolve(null);
    },
    write: async (bytes) => {
      written.push(bytes);
    },
    close: () => {
      closed = true;
    },
  };
  return { transport, written, isClosed: () => closed };
}

const options = {
  serverName: 'mail.example',
  port: 1958,
  verifyServer: async () => undefined,
  timeoutMs: 1000,
};
const closeNotifyRecord = () => Uint8Array.of(21, 3, 3, 0, 2, 1, 0);

describe('connectTls', () => {
  it('close_notify before the ServerHello, then EOF → truncated at once (no busy loop)', async () => {
    const { transport, isClosed } = scripted([closeNotifyRecord()]);
    const started = Date.now();
    const error = await connectTls(transport, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).code).toBe('truncated');
    expect((error as TlsError).remote).toBe(true);
    expect(Date.now() - started).toBeLessThan(900);
    expect(isClosed()).toBe(true);
  });

  it('close_notify before the ServerHello on a connection left open → truncated, not a timeout', async () => {
    const { transport } = scripted([closeNotifyRecord()], true);
    const error = await connectTls(transport, options).catch((e: unknown) => e);
    expect((error as TlsError).code).toBe('truncated');
  });

  it('EOF right after the ClientHello → truncated; the ClientHello was sent', async () => {
    const { transport, written } = scripted([]);
    const error = await connectTls(transport, options).catch((e: unknown) => e);
    expect((error as TlsError).code).toBe('truncated');
    expect(written[0]?.[0]).toBe(22);
  });

  it('a silent server → timeout within the budget', async () => {
    const { transport } = scripted([], true);
    const started = Date.now();
    const error = await connectTls(transport, { ...options, timeoutMs: 200 }).catch((e: unknown) => e);
    expect((error as TlsError).code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses to run without verifyServer (no accept-all default)', async () => {
    const { transport } = scripted([]);
    await expect(
      connectTls(transport, { serverName: 'a.example', port: 1 } as unknown as typeof options),
    ).rejects.toThrow(TypeError);
  });
});
