// What the host has learned about sender addresses: TOFU per address (spec §3.2), with how the binding was
// verified (seeds 000/001) and when, so outcomes are cached and re-checked after `verifyTtlMs`.
import { readFile } from 'node:fs/promises';
import { writeFileDurable } from './durable';

export type VerificationMethod = 'ViaKnown' | 'ViaHostCA' | 'ViaProbe' | 'ViaNone';

export interface KnownSender {
  fingerprint: string;
  verified: boolean;
  how: VerificationMethod;
  checkedAt: number;
}

export class KnownSenders {
  private entries = new Map<string, KnownSender>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async load(file: string): Promise<KnownSenders> {
    const known = new KnownSenders(file);
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, KnownSender>;
      for (const [address, entry] of Object.entries(data)) known.entries.set(address, entry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return known;
  }

  get(address: string): KnownSender | undefined {
    return this.entries.get(address.toLowerCase());
  }

  /** Records an outcome; writes coalesce, and the returned promise resolves once it is on disk. */
  set(address: string, entry: KnownSender): Promise<void> {
    this.entries.set(address.toLowerCase(), entry);
    return this.flush();
  }

  private flush(): Promise<void> {
    if (this.dirty) return this.writing;
    this.dirty = true;
    this.writing = this.writing
      .catch(() => undefined)
      .then(() => {
        this.dirty = false;
        const snapshot = Object.fromEntries(this.entries);
        return writeFileDurable(this.file, JSON.stringify(snapshot, null, 1) + '\n');
      });
    return this.writing;
  }
}
