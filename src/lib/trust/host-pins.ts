// Trust on first use for Misfin hosts (design.md §4; tls-notes §5.4): pin host:port to the SHA-256 of the
// leaf certificate and of its SubjectPublicKeyInfo. First contact is reported; any change stops the
// connection with an error that says what changed and how to accept it. Nothing is ever accepted silently.
import type { ServerCertificateInfo, VerifyServer } from '../tls/types';

export interface HostPin {
  host: string;
  port: number;
  certSha256: string;
  spkiSha256: string;
  firstSeen: number;
  lastSeen: number;
}

export interface HostPinStore {
  get(host: string, port: number): Promise<HostPin | undefined>;
  put(pin: HostPin): Promise<void>;
  delete(host: string, port: number): Promise<void>;
  list(): Promise<HostPin[]>;
}

/** Host names compare case-insensitively and without a trailing dot (RFC 4343). */
export function pinKey(host: string, port: number): string {
  return `${host.toLowerCase().replace(/\.$/, '')}:${port}`;
}

export class MemoryHostPinStore implements HostPinStore {
  private readonly pins = new Map<string, HostPin>();

  async get(host: string, port: number): Promise<HostPin | undefined> {
    const pin = this.pins.get(pinKey(host, port));
    return pin ? { ...pin } : undefined;
  }

  async put(pin: HostPin): Promise<void> {
    this.pins.set(pinKey(pin.host, pin.port), { ...pin });
  }

  async delete(host: string, port: number): Promise<void> {
    this.pins.delete(pinKey(host, port));
  }

  async list(): Promise<HostPin[]> {
    return [...this.pins.values()].map((pin) => ({ ...pin }));
  }
}

export class HostKeyChangedError extends Error {
  override name = 'HostKeyChangedError';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly pinned: HostPin,
    readonly presented: ServerCertificateInfo,
  ) {
    const what =
      pinned.spkiSha256 !== presented.spkiSha256
        ? 'its public key changed'
        : 'its certificate changed (same public key)';
    super(
      `${host}:${port} presented a different identity than the one pinned on ` +
        `${new Date(pinned.firstSeen).toISOString()}: ${what}. Pinned certificate ${pinned.certSha256}, ` +
        `presented ${presented.certSha256}. This may be an attack or a legitimate key rotation; ` +
        `connect only after checking the new fingerprint with the host's operator, then remove the old pin ` +
        `to accept it.`,
    );
  }
}

export interface TofuOptions {
  onFirstContact?(info: ServerCertificateInfo): void;
  now?: () => number;
}

/**
 * TOFU verifier: first contact pins and calls onFirstContact; same SPKI and same certificate → ok
 * (lastSeen updated); a different SPKI or certificate fingerprint → HostKeyChangedError.
 */
export function tofuVerifier(store: HostPinStore, options: TofuOptions = {}): VerifyServer {
  const now = options.now ?? Date.now;
  // Connections to one host may run in parallel (the webmail warms a pool). Without ordering, two first
  // contacts presenting different keys would both "pin", the later silently replacing the earlier: so
  // decisions for one host:port run one after another, and the second sees the first one's pin.
  const queues = new Map<string, Promise<unknown>>();
  const serialised: VerifyServer = (info) => {
    const key = pinKey(info.host, info.port);
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => decide(info),
      () => decide(info),
    );
    const settled = run.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  };
  const decide: VerifyServer = async (info) => {
    const pinned = await store.get(info.host, info.port);
    const time = now();
    if (!pinned) {
      await store.put({
        host: info.host,
        port: info.port,
        certSha256: info.certSha256,
        spkiSha256: info.spkiSha256,
        firstSeen: time,
        lastSeen: time,
      });
      options.onFirstContact?.(info);
      return;
    }
    if (pinned.spkiSha256 !== info.spkiSha256 || pinned.certSha256 !== info.certSha256) {
      throw new HostKeyChangedError(info.host, info.port, pinned, info);
    }
    await store.put({ ...pinned, lastSeen: time });
  };
  return serialised;
}
