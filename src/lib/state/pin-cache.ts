import { pinKey, type HostPin, type HostPinStore } from '../trust/host-pins';

/** A pin's lastSeen is written back at most this often; in between it moves in memory only. */
export const LAST_SEEN_WRITE_MS = 60_000;

/**
 * Host pins (TOFU, design §4) read once from the store and then served from memory. The TOFU check runs on
 * every handshake, one host at a time, and a sync makes hundreds of handshakes: a store read and a lastSeen
 * write per handshake put two IndexedDB round trips in series in front of every GMAP request. New and changed
 * pins are written through at once; a lastSeen that only moved is written when it is LAST_SEEN_WRITE_MS
 * newer than the stored one. `forget` drops the memory after the pins changed behind this cache (the user
 * removed or accepted one).
 */
export class CachedPinStore implements HostPinStore {
  readonly #pins = new Map<string, { pin: HostPin; storedLastSeen: number }>();

  constructor(private readonly inner: HostPinStore) {}

  async get(host: string, port: number): Promise<HostPin | undefined> {
    const key = pinKey(host, port);
    const cached = this.#pins.get(key);
    if (cached) return { ...cached.pin };
    const pin = await this.inner.get(host, port);
    // Only a pin is remembered: a host without one is asked again, and its first contact writes through.
    if (pin) this.#pins.set(key, { pin: { ...pin }, storedLastSeen: pin.lastSeen });
    return pin;
  }

  async put(pin: HostPin): Promise<void> {
    const key = pinKey(pin.host, pin.port);
    const cached = this.#pins.get(key);
    const onlySeenAgain =
      cached !== undefined &&
      cached.pin.spkiSha256 === pin.spkiSha256 &&
      cached.pin.certSha256 === pin.certSha256 &&
      cached.pin.firstSeen === pin.firstSeen &&
      pin.lastSeen - cached.storedLastSeen < LAST_SEEN_WRITE_MS;
    if (onlySeenAgain) {
      cached.pin = { ...pin };
      return;
    }
    await this.inner.put(pin);
    this.#pins.set(key, { pin: { ...pin }, storedLastSeen: pin.lastSeen });
  }

  async delete(host: string, port: number): Promise<void> {
    this.#pins.delete(pinKey(host, port));
    await this.inner.delete(host, port);
  }

  list(): Promise<HostPin[]> {
    return this.inner.list();
  }

  /** Forgets what is in memory: the next check reads the store again. */
  forget(): void {
    this.#pins.clear();
  }
}
