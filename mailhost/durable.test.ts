import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncDirectory, writeFileDurable, writeFilesDurable } from './durable';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('durable writes', () => {
  it('writes many files concurrently, sharing directory fsyncs, and leaves no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durable-'));
    dirs.push(dir);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => writeFileDurable(join(dir, `f${i}`), `content ${i}`)),
    );
    const names = await readdir(dir);
    expect(names).toHaveLength(200);
    expect(await readFile(join(dir, 'f123'), 'utf8')).toBe('content 123');
  });

  it('replaces a file atomically and writes groups in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durable-'));
    dirs.push(dir);
    await writeFileDurable(join(dir, 'a'), 'one');
    await writeFileDurable(join(dir, 'a'), 'two');
    await writeFilesDurable([
      { path: join(dir, 'b.tags'), data: 'Inbox' },
      { path: join(dir, 'b.gmi'), data: 'body' },
    ]);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('two');
    expect((await readdir(dir)).sort()).toEqual(['a', 'b.gmi', 'b.tags']);
  });

  it('fails loudly when the directory cannot be synced', async () => {
    await expect(syncDirectory(join(tmpdir(), 'does-not-exist-' + Date.now()))).rejects.toThrow();
  });
});
