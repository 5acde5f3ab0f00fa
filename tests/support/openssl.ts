// Runs the real `openssl` command for the identity tests: it is the independent judge of the
// certificates, requests and keys we write, and the source of keys in the formats we must import.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch directory; `path(name, content)` writes a file there and returns its path. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'identity-test-'));
  return {
    dir,
    path(name: string, content?: string | Uint8Array): string {
      const file = join(dir, name);
      if (content !== undefined) writeFileSync(file, content);
      return file;
    },
    read(name: string): string {
      return readFileSync(join(dir, name), 'utf8');
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function openssl(args: string[], input?: string): OpensslResult {
  const result = spawnSync('openssl', args, { input, encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs openssl and throws with its stderr when it fails. */
export function opensslOk(args: string[], input?: string): string {
  const result = openssl(args, input);
  if (result.status !== 0)
    throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}
