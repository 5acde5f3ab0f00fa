// A running mail host: loads the data directory, builds the shared context and listens.
import type { AddressInfo } from 'node:net';
import { DEFAULT_SETTINGS, paths, requireHostFile, type HostSettings } from './config';
import type { HostContext } from './context';
import { Domain } from './domain';
import { KnownSenders } from './known-senders';
import { createMisfinServer } from './listener';
import { ListRelay } from './lists';
import { directResolve, peerResolver, type ResolveHost } from './outbound';
import { RateLimiter } from './rate-limit';
import { FileHostPinStore } from '../src/lib/node/known-hosts-file';
import { SenderVerifier } from './verify-sender';

export interface HostOptions {
  dataDir: string;
  /** Address to bind; default 127.0.0.1. */
  listen?: string;
  /** Default 1958; 0 picks a free port. */
  port?: number;
  /** Where to connect for another host (tests: every host is 127.0.0.1 on a random port). */
  resolveHost?: ResolveHost;
  /** `HOST -> ADDR:PORT` entries, the `--peer` flag; used when resolveHost is not given. */
  peers?: Record<string, string>;
  /** Overrides host.json settings. */
  settings?: Partial<HostSettings>;
  log?: (line: string) => void;
  now?: () => number;
}

export interface RunningHost {
  port: number;
  address: string;
  context: HostContext;
  /** Stops accepting, waits for list re-sends, closes open connections. */
  stop(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const file = await requireHostFile(options.dataDir);
  const settings: HostSettings = { ...DEFAULT_SETTINGS, ...file.settings, ...(options.settings ?? {}) };
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const now = options.now ?? Date.now;
  const resolve = options.resolveHost ?? (options.peers ? peerResolver(options.peers) : directResolve);
  const domains = new Map<string, Domain>();
  for (const host of file.domains) {
    domains.set(host, await Domain.load(options.dataDir, host, { loadMailboxes: true }));
  }
  const known = await KnownSenders.load(paths.knownSenders(options.dataDir));
  const pins = new FileHostPinStore(paths.knownHosts(options.dataDir));
  const verifier = new SenderVerifier({
    known,
    localDomain: (host) => domains.get(host),
    resolve,
    pins,
    timeoutMs: settings.outboundTimeoutMs,
    verifyTtlMs: settings.verifyTtlMs,
    unverifiedRetryMs: settings.unverifiedRetryMs,
    now,
    log,
  });
  const context: HostContext = {
    dataDir: options.dataDir,
    settings,
    domains,
    verifier,
    ipLimiter: new RateLimiter(settings.ipRate, now),
    senderLimiter: new RateLimiter(settings.senderRate, now),
    registrationLimiter: new RateLimiter(settings.registrationFailureRate, now),
    resolve,
    lists: new ListRelay({ settings, resolve, pins, log }),
    now,
    log,
  };
  const server = createMisfinServer(context, {
    identities: [...domains.values()].map((d) => ({
      host: d.host,
      keyPem: d.ca.keyPem,
      certPem: d.ca.certPem,
    })),
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 1958, options.listen ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    port: bound.port,
    address: bound.address,
    context,
    async stop() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await context.lists.settle();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
