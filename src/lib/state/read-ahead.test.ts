import { describe, expect, it } from 'vitest';
import type { TlsConnection } from '../tls/client';
import { TlsError } from '../tls/errors';
import { readAhead } from './read-ahead';

/** A connection whose reads hand out `chunks` in order, then null; counts reads and closes. */
function scripted(chunks: Uint8Array[]) {
  const state = { reads: 0, closed: 0, written: [] as Uint8Array[] };
  const connection: TlsConnection = {
    server: { host: 'h', port: 1 } as unknown as TlsConnection['server'],
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    resumed: false,
    get tickets() {
      return [];
    },
    read: async () => {
      state.reads++;
      return chunks.shift() ?? null;
    },
    readAll: () => Promise.reject(new Error('the wrapper must not call the inner readAll')),
    write: async (data) => void state.written.push(data),
    updateKeys: async () => undefined,
    close: async () => void state.closed++,
  };
  return { connection, state };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readAhead', () => {
  it('reads at once and hands that read to the first caller, then reads on', async () => {
    const { connection, state } = scripted([bytes('20 ab'), bytes('cd\r\n')]);
    const wrapped = readAhead(connection);
    expect(state.reads).toBe(1);
    expect(new TextDecoder().decode((await wrapped.read()) ?? undefined)).toBe('20 ab');
    expect(new TextDecoder().decode((await wrapped.read()) ?? undefined)).toBe('cd\r\n');
    expect(await wrapped.read()).toBeNull();
    expect(state.reads).toBe(3);
  });

  it('readAll starts with the read under way and joins every chunk', async () => {
    const { connection } = scripted([bytes('20 text/plain\r\n'), bytes('body')]);
    const all = await readAhead(connection).readAll(100);
    expect(new TextDecoder().decode(all)).toBe('20 text/plain\r\nbody');
  });

  it('readAll refuses more than maxBytes and closes the connection', async () => {
    const { connection, state } = scripted([bytes('0123456789'), bytes('0123456789')]);
    await expect(readAhead(connection).readAll(15)).rejects.toThrowError(TlsError);
    expect(state.closed).toBe(1);
  });

  it('passes writes, getters and close through to the connection', async () => {
    const { connection, state } = scripted([]);
    const wrapped = readAhead(connection);
    await wrapped.write(bytes('x'));
    await wrapped.close();
    expect(state.written).toHaveLength(1);
    expect(state.closed).toBe(1);
    expect(wrapped.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(wrapped.tickets).toEqual([]);
  });

  it('a read that fails while nobody waits raises no unhandled rejection, and the next reader sees it', async () => {
    const { connection } = scripted([]);
    connection.read = () => Promise.reject(new TlsError('timeout', 'idle'));
    const wrapped = readAhead(connection);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(wrapped.read()).rejects.toThrowError('idle');
  });
});
