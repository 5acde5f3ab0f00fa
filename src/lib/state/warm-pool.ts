/**
 * Connections opened ahead of a send (like a browser's preconnect): while the user is still writing, the
 * WebSocket tunnel and the TLS handshake to each recipient's host are done, so pressing Send costs one
 * request and one answer. Each warm connection is used for exactly one request (Misfin closes after one
 * response, spec §1.3) and is closed unused after `ttlMs`, so an idle compose window holds nothing open for
 * long.
 */
export interface Closable {
  close(): Promise<void>;
}

interface Entry<C> {
  connection: Promise<C>;
  timer: ReturnType<typeof setTimeout>;
}

export class WarmPool<C extends Closable> {
  readonly #entries = new Map<string, Entry<C>[]>();

  constructor(private readonly ttlMs: number) {}

  /** How many warm connections wait under `key`. */
  count(key: string): number {
    return this.#entries.get(key)?.length ?? 0;
  }

  /** Opens connections under `key` until `wanted` are waiting; opening failures are dropped silently. */
  fill(key: string, wanted: number, open: () => Promise<C>): void {
    const list = this.#entries.get(key) ?? [];
    this.#entries.set(key, list);
    while (list.length < wanted) {
      const connection = open();
      const entry: Entry<C> = {
        connection,
        timer: setTimeout(() => this.#drop(key, entry), this.ttlMs),
      };
      connection.catch(() => this.#drop(key, entry));
      list.push(entry);
    }
  }

  /** Takes one warm connection (oldest first), or undefined when none waits. */
  take(key: string): Promise<C> | undefined {
    const entry = this.#entries.get(key)?.shift();
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    return entry.connection;
  }

  /** Closes everything (identity switched, page hidden). */
  clear(): void {
    for (const [key, list] of this.#entries) for (const entry of [...list]) this.#drop(key, entry);
  }

  #drop(key: string, entry: Entry<C>): void {
    const list = this.#entries.get(key);
    const at = list?.indexOf(entry) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    clearTimeout(entry.timer);
    entry.connection.then((c) => c.close()).catch(() => undefined);
  }
}
