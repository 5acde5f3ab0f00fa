// Runs the `misfin` CLI exactly as `npm run misfin` does, as a child process, with its config directory
// inside the test's scratch directory so tests never read or write the user's known_hosts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './mailhost-instance';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Each call is a fresh Node process (about a second apiece), so give tests using it a long timeout. */
export const cliTimeout = { timeout: 120_000 };

export function cliRunner(scratchDir: string): (args: string[], input?: string) => Promise<CliResult> {
  return (args, input = '') =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
        cwd: repoRoot,
        env: { ...process.env, XDG_CONFIG_HOME: join(scratchDir, 'config') },
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`misfin ${args.join(' ')} did not finish in 25 s\n${stderr}`));
      }, 25_000);
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(input);
    });
}

/** `misfin identity new` for mailbox@localhost into `file`; returns the printed fingerprint. */
export async function newCliIdentity(
  runCli: (args: string[]) => Promise<CliResult>,
  file: string,
  mailbox: string,
  extra: string[] = [],
): Promise<string> {
  const made = await runCli([
    'identity',
    'new',
    '--mailbox',
    mailbox,
    '--host',
    'localhost',
    ...extra,
    '--out',
    file,
  ]);
  if (made.code !== 0) throw new Error(`identity new failed: ${made.stderr}`);
  return made.stdout.trim();
}
