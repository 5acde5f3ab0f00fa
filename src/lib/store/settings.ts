import type { WebmailDatabase } from './database';

export class SettingsRepository {
  constructor(private readonly db: WebmailDatabase) {}

  async get<T>(key: string, fallback: T): Promise<T> {
    const record = await this.db.get('settings', key);
    return record === undefined ? fallback : (record.value as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db.put('settings', { key, value });
  }
}
