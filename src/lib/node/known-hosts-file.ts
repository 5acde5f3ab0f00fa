// A HostPinStore kept in a text file, in the spirit of OpenSSH's known_hosts, one pin a line:
//   host:port cert-sha256 spki-sha256 first-seen-ISO last-seen-ISO
// The file is rewritten whole through a temporary file and rename, so a crash never leaves half a line.
// Used by the CLI (the user's pins) and the mail host (the pins of the hosts it verifies senders against).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pinKey, type HostPin, type HostPinStore } from '../trust/host-pins';

export class KnownHostsError extends Error {
  override name = 'KnownHostsError';
}

const hex64 = /^[0-9a-f]{64}$/;

function parseLine(line: string, number: number, path: string): HostPin {
  const fields = line.trim().split(/\s+/);
  const [hostPort, certSha256, spkiSha256, firstSeen, lastSeen] = fields;
  const colon = hostPort?.lastIndexOf(':') ?? -1;
  const host = hostPort?.slice(0, colon) ?? '';
  const port = Number(hostPort?.slice(colon + 1));
  const first = Date.parse(firstSeen ?? '');
  const last = Date.parse(lastSeen ?? '');
  if (
    fields.length !== 5 ||
    colon <= 0 ||
    !Number.isInteger(port) ||
    !hex64.test(certSha256 ?? '') ||
    !hex64.test(spkiSha256 ?? '') ||
    Number.isNaN(first) ||
    Number.isNaN(last)
  ) {
    throw new KnownHostsError(
      `${path}:${number}: not a known-hosts line (host:port cert-sha256 spki-sha256 first last)`,
    );
  }
  return { host, port, certSha256: certSha256!, spkiSha256: spkiSha256!, firstSeen: first, lastSeen: last };
}

function formatLine(pin: HostPin): string {
  const time = (ms: number) => new Date(ms).toISOString();
  return `${pinKey(pin.host, pin.port)} ${pin.certSha256} ${pin.spkiSha256} ${time(pin.firstSeen)} ${time(pin.lastSeen)}`;
}

/** A HostPinStore backed by a known-hosts file; reads it fresh for every call so two runs never clobber each other's pins. */
export class FileHostPinStore implements HostPinStore {
  constructor(readonly path: string) {}

  private load(): Map<string, HostPin> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new KnownHostsError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    const pins = new Map<string, HostPin>();
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      const pin = parseLine(line, index + 1, this.path);
      pins.set(pinKey(pin.host, pin.port), pin);
    });
    return pins;
  }

  private save(pins: Map<string, HostPin>): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const header = '# misfin known hosts: host:port cert-sha256 spki-sha256 first-seen last-seen\n';
    const body = [...pins.values()].map(formatLine).join('\n');
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, header + body + (body ? '\n' : ''), { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  async get(host: string, port: number): Promise<HostPin | undefined> {
    return this.load().get(pinKey(host, port));
  }

  async put(pin: HostPin): Promise<void> {
    const pins = this.load();
    pins.set(pinKey(pin.host, pin.port), { ...pin, host: pin.host.toLowerCase().replace(/\.$/, '') });
    this.save(pins);
  }

  async delete(host: string, port: number): Promise<void> {
    const pins = this.load();
    if (pins.delete(pinKey(host, port))) this.save(pins);
  }

  async list(): Promise<HostPin[]> {
    return [...this.load().values()];
  }
}
