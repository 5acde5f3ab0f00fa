// Starts mail hosts for tests: in-process (fast) or as a child process (`node --import tsx mailhost/main.ts
// serve`), which the durability test kills with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { identityFromPemFile, tempDir, type TestIdentity } from './mailhost-client';
import { initCommand, inviteCommand, mailboxAddCommand } from '../../mailhost/admin';
import type { HostSettings } from '../../mailhost/config';
import { startHost, type RunningHost } from '../../mailhost/host';
import type { ResolveHost } from '../../mailhost/outbound';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface TestHost {
  dataDir: string;
  host: string;
  running: RunningHost;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/** A fresh data dir with domain `host`, started in-process on a random loopback port. */
export async function startTestHost(
  host: string,
  options: {
    settings?: Partial<HostSettings>;
    resolveHost?: ResolveHost;
    setup?: (dataDir: string) => Promise<void>;
    now?: () => number;
    dataDir?: string;
  } = {},
): Promise<TestHost> {
  const dir = options.dataDir
    ? { path: options.dataDir, remove: async () => undefined }
    : await tempDir(host);
  if (!options.dataDir) await initCommand(dir.path, host);
  if (options.setup) await options.setup(dir.path);
  const logs: string[] = [];
  const running = await startHost({
    dataDir: dir.path,
    port: 0,
    log: (line) => logs.push(line),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    dataDir: dir.path,
    host,
    running,
    port: running.port,
    logs,
    async stop() {
      await running.stop();
      await dir.remove();
    },
  };
}

/** `mailbox add NAME --cert-out` and read the identity back. */
export async function addMailboxWithCert(
  dataDir: string,
  name: string,
  host?: string,
): Promise<TestIdentity> {
  const dir = await tempDir('cert');
  const file = join(dir.path, `${name}.pem`);
  const out = await mailboxAddCommand(dataDir, name, {
    certOut: file,
    blurb: `${name} tester`,
    ...(host ? { host } : {}),
  });
  const fingerprint = /Fingerprint: ([0-9a-f]{64})/.exec(out)![1]!;
  const identity = identityFromPemFile(await readFile(file, 'utf8'), fingerprint);
  await dir.remove();
  return identity;
}

export async function invite(dataDir: string, name: string, ttlSeconds?: number): Promise<string> {
  return (await inviteCommand(dataDir, name, ttlSeconds === undefined ? {} : { ttlSeconds })).code;
}

export interface HostProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `mailhost/main.ts serve` as a child process and waits for its "listening on" line. */
export function spawnHost(dataDir: string, extraArgs: string[] = []): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'mailhost/main.ts'),
      'serve',
      '--data',
      dataDir,
      '--listen',
      '127.0.0.1',
      '--port',
      '0',
      ...extraArgs,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mail host did not start: ${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({
          child,
          port: Number(match[1]),
          output: () => output,
          async kill(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mail host exited (${code}) before listening: ${output}`));
    });
  });
}
