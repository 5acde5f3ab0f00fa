// Registration invites (issue 6, seed 000): one-time, expiring codes tied to a mailbox name. Only the
// SHA-256 of a code is stored, so a copy of the data directory does not hand out registrations.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileDurable } from './durable';

interface InviteRecord {
  mailbox: string;
  codeSha256: string;
  expiresAt: number;
  usedAt?: number;
}

interface InviteFile {
  invites: InviteRecord[];
}

export type InviteCheck = { ok: true } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

function hashCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export class InviteBook {
  /** Serialises read-modify-write of invites.json inside this process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async read(): Promise<InviteFile> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as InviteFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { invites: [] };
      throw error;
    }
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Creates an invite and returns the code (printed once by the admin CLI, never stored in clear). */
  create(mailbox: string, ttlMs: number, now = Date.now()): Promise<{ code: string; expiresAt: number }> {
    return this.locked(async () => {
      const code = randomBytes(15).toString('base64url');
      const file = await this.read();
      // Expired and used invites older than a day are forgotten.
      file.invites = file.invites.filter((i) => (i.usedAt ?? i.expiresAt) > now - 86_400_000);
      const expiresAt = now + ttlMs;
      file.invites.push({ mailbox, codeSha256: hashCode(code), expiresAt });
      await writeFileDurable(this.file, JSON.stringify(file, null, 2) + '\n');
      return { code, expiresAt };
    });
  }

  /**
   * Checks an invite for `mailbox` and, if `burn` says so after the check, marks it used durably before
   * returning. `burn` runs inside the lock, so two requests with one code cannot both succeed.
   */
  consume<T>(
    mailbox: string,
    code: string,
    use: () => Promise<T>,
    now = Date.now(),
  ): Promise<{ check: InviteCheck; result?: T }> {
    return this.locked(async () => {
      const file = await this.read();
      const hash = hashCode(code);
      const record = file.invites.find((i) => i.mailbox === mailbox && sameHash(i.codeSha256, hash));
      if (!record) return { check: { ok: false, reason: 'unknown' } as const };
      if (record.usedAt !== undefined) return { check: { ok: false, reason: 'used' } as const };
      if (record.expiresAt <= now) return { check: { ok: false, reason: 'expired' } as const };
      const result = await use();
      record.usedAt = now;
      await writeFileDurable(this.file, JSON.stringify(file, null, 2) + '\n');
      return { check: { ok: true } as const, result };
    });
  }
}
