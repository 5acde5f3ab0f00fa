import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartedApp {
  url: string;
  /** The embedded mail host's data directory (a fresh temporary one). */
  dataDir: string;
  mailPort: number;
  /** The invite the first run prints, for mailbox `inviteMailbox`. */
  inviteCode?: string;
  inviteMailbox?: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the app exactly as `npm start` does after its build step (`npm run build` made
 * build-server/scripts/start.mjs from scripts/start.ts), on a free port, and resolves with the URL it prints.
 */
export async function startApp(env: Record<string, string> = {}): Promise<StartedApp> {
  const dataDir = env.MISFIN_DATA ?? mkdtempSync(join(tmpdir(), 'misfin-app-'));
  const child = spawn(process.execPath, ['build-server/scripts/start.mjs'], {
    env: { ...process.env, PORT: '0', MAILHOST_PORT: '0', MISFIN_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start in time:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/\S+) in your browser/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${output}`));
    });
  });
  const mailPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  const invite = /register "([^"]+)" on host \S+ with invite code (\S+)/.exec(output);
  return {
    url,
    dataDir,
    mailPort,
    ...(invite ? { inviteMailbox: invite[1], inviteCode: invite[2] } : {}),
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
