import type { HostPinStore } from '../trust/host-pins';
import type { WebmailDatabase } from './database';
import type { HostPinRecord } from './schema';

/** TOFU host pins (design §4) kept in IndexedDB; satisfies trust/host-pins HostPinStore. */
export class IdbHostPinStore implements HostPinStore {
  constructor(private readonly db: WebmailDatabase) {}

  get(host: string, port: number): Promise<HostPinRecord | undefined> {
    return this.db.get('hostPins', [host, port]);
  }

  async put(pin: HostPinRecord): Promise<void> {
    await this.db.put('hostPins', { ...pin });
  }

  delete(host: string, port: number): Promise<void> {
    return this.db.delete('hostPins', [host, port]);
  }

  list(): Promise<HostPinRecord[]> {
    return this.db.getAll('hostPins');
  }
}
